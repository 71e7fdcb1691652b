// test-lane: slow: real node:http2 servers and connection lifecycles
// rollcheck's HTTP/2 client against real node:http2 servers: gRPC answers of
// every form, the server's stream limit, connections, refused connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { driveH2 } from './h2-drive.js';
import { freePort } from './harness.js';

async function h2Server(onStream: (s: ServerHttp2Stream, body: string) => void, settings = {}): Promise<Http2Server & { port: number }> {
  const server = createServer({ settings });
  server.on('stream', (s) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => onStream(s, Buffer.concat(chunks).toString('latin1')));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

async function closeServer(server: Http2Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const SERVING = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);
const NOT_SERVING = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x02]);

test('gRPC answers: status 0, trailers-only errors, NOT_SERVING, a proxy\'s 502, no grpc-status', async () => {
  const server = await h2Server((s, body) => {
    const req = /req-(\d+)/.exec(body)?.[0];
    const grpc = { ':status': 200, 'content-type': 'application/grpc', 'x-pod-name': 'pod-g' };
    if (req === 'req-0') {
      s.respond(grpc, { waitForTrailers: true });
      s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0' }));
      s.end(SERVING);
    } else if (req === 'req-1') s.respond({ ...grpc, 'grpc-status': '14', 'grpc-message': 'the%20connection%20is%20draining' }, { endStream: true });
    else if (req === 'req-2') {
      s.respond(grpc, { waitForTrailers: true });
      s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0' }));
      s.end(NOT_SERVING);
    } else if (req === 'req-3') {
      s.respond({ ':status': 502, server: 'nginx', 'content-type': 'text/html' });
      s.end('<html><center>nginx</center></html>');
    } else {
      s.respond(grpc);
      s.end(SERVING);
    }
  });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 5, grpc: true });
    assert.deepEqual(
      r.outcomes.map((o) => `${o.kind}:${o.code ?? ''}`),
      ['ok:', 'grpc_error:UNAVAILABLE', 'grpc_error:NOT_SERVING', 'http_5xx:', 'grpc_error:INTERNAL'],
    );
    assert.equal(r.outcomes[0]?.pod, 'pod-g');
  } finally {
    await closeServer(server);
  }
});

test("the server's MAX_CONCURRENT_STREAMS bounds the streams open on a connection; calls spread over the connections", async () => {
  let open = 0;
  let most = 0;
  const server = await h2Server(
    (s) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        s.respond({ ':status': 200 });
        s.end('ok');
      }, 20);
    },
    { maxConcurrentStreams: 3 },
  );
  try {
    // 40 calls at once on 2 connections: the rest wait for a stream, none is refused.
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 40, connections: 2 });
    assert.deepEqual(new Set(r.outcomes.map((o) => o.kind)), new Set(['ok']));
    assert.deepEqual(new Set(r.outcomes.map((o) => o.connId)), new Set(['c1', 'c2']));
    assert.ok(most <= 2 * 3, `${most} streams open at once on 2 connections of 3`);
    assert.ok(most >= 2, `${most} streams open at once`);
    assert.equal(r.connections.length, 2);
    assert.equal(r.connections.reduce((n, c) => n + c.streams, 0), 40);
  } finally {
    await closeServer(server);
  }
});

test('nothing listening: every call is refused, with no connection record', async () => {
  const port = await freePort();
  const r = await driveH2({ origin: `http://127.0.0.1:${port}`, calls: 3 });
  assert.deepEqual(r.outcomes.map((o) => `${o.kind}:${o.code ?? ''}`), ['refused:ECONNREFUSED', 'refused:ECONNREFUSED', 'refused:ECONNREFUSED']);
  assert.deepEqual(r.connections, []);
});
