// The reference clients of the differential suite, driven as h2-drive.ts drives
// rollcheck's: N calls at once, call i naming itself `req-i` in its body.
// @grpc/grpc-js for gRPC (it retries a refused stream by itself), undici with
// allowH2 for HTTP/2 over TLS.
import * as grpc from '@grpc/grpc-js';
import { Client } from 'undici';
import { encodeHealthCheckRequest } from '../../src/grpc-health.js';

/** RefOutcome is one call as the reference client reported it: ok, or its error (a gRPC code name, an undici code). */
export interface RefOutcome {
  req: string;
  ok: boolean;
  code: string | undefined;
}

/** grpcJsCalls makes `calls` unary health checks at once with @grpc/grpc-js (retries as configured by default). */
export async function grpcJsCalls(port: number, calls: number, deadlineMs = 5000): Promise<RefOutcome[]> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const one = (i: number): Promise<RefOutcome> =>
      new Promise((resolve) => {
        const req = `req-${i}`;
        client.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(encodeHealthCheckRequest(req)),
          new grpc.Metadata(),
          { deadline: Date.now() + deadlineMs },
          (err) => resolve({ req, ok: err === null, code: err === null ? undefined : grpc.status[err.code] }),
        );
      });
    return await Promise.all(Array.from({ length: calls }, (_, i) => one(i)));
  } finally {
    client.close();
  }
}

/**
 * undiciH2Calls makes `calls` GETs at once with undici over TLS, HTTP/2 by ALPN,
 * on one connection: call i is stream 2i + 1, which names it in the server's
 * log (in our trials undici 7.30 lost concurrent h2 POSTs that the server
 * answered together, so no body names them).
 */
export async function undiciH2Calls(port: number, calls: number, caPem: string, timeoutMs = 5000): Promise<RefOutcome[]> {
  const client = new Client(`https://127.0.0.1:${port}`, {
    allowH2: true,
    maxConcurrentStreams: calls,
    pipelining: calls,
    connect: { ca: caPem },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  try {
    const one = async (i: number): Promise<RefOutcome> => {
      const req = `req-${i}`;
      try {
        const res = await client.request({ method: 'GET', path: `/${req}` });
        await res.body.text();
        return { req, ok: res.statusCode === 200, code: res.statusCode === 200 ? undefined : String(res.statusCode) };
      } catch (e) {
        return { req, ok: false, code: (e as NodeJS.ErrnoException).code ?? (e as Error).name };
      }
    };
    return await Promise.all(Array.from({ length: calls }, (_, i) => one(i)));
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
