// Drives rollcheck's HTTP/2 pool without the engine: N calls at once (call i
// sends request i, whose body names it `req-i`), each outcome kept with its
// connection and stream, and every connection record.
import type { H2Pool } from '../../src/traffic/h2/h2-links.js';
import { createH2Pool } from '../../src/traffic/h2/h2-pool.js';
import { createLeanH2Pool } from '../../src/traffic/h2/lean-h2-pool.js';
import { grpcRequestSpec } from '../../src/traffic/grpc/grpc-call.js';
import { createGrpcReader } from '../../src/traffic/grpc/grpc-reader.js';
import type { H2Call, H2ConnectionRecord, H2PoolOptions, StreamSlot } from '../../src/traffic/h2/h2-contract.js';
import type { OutcomeKind } from '../../src/results/types.js';

/** Outcome is one call's fate as rollcheck's client settled it. */
export interface Outcome {
  req: string;
  kind: OutcomeKind;
  code: string | undefined;
  connId: string;
  streamId: number;
  pod: string | undefined;
  reused: boolean;
}

/** Drive is how to send: plain HTTP/2 or gRPC, to which origin, how many calls at once. */
export interface Drive {
  origin: string;
  calls: number;
  grpc?: boolean;
  connections?: number;
  caPem?: string;
  timeoutMs?: number;
  /** get sends `GET /` without a body (for servers of static files) instead of `POST /` naming the call. */
  get?: boolean;
  /** client is the HTTP/2 client: `lean` (frame by frame on net.Socket, the default) or `node` (node:http2). */
  client?: 'lean' | 'node';
  /** bodyBytes pads each POST body (`req-i`) with dots to this length. */
  bodyBytes?: number;
  /** headers are sent with every request (as -H). */
  headers?: Array<[string, string]>;
}

/** DriveResult is every call's outcome (by request) and every connection's record. */
export interface DriveResult {
  outcomes: Outcome[];
  connections: H2ConnectionRecord[];
}

interface Call extends H2Call {
  req: string;
}

/** driveH2 sends `calls` requests at once through rollcheck's HTTP/2 (or gRPC) pool and waits for every one to settle. */
export async function driveH2(d: Drive): Promise<DriveResult> {
  const outcomes: Outcome[] = [];
  const connections = new Map<string, H2ConnectionRecord>();
  const t0 = performance.now();
  let n = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const waiting: Call[] = [];
  const base = {
    origin: d.origin,
    timeoutMs: d.timeoutMs ?? 5000,
    size: d.connections ?? 1,
    grow: false,
    podHeader: 'x-pod-name',
    nextConnId: () => `c${(n += 1)}`,
    nowMs: () => performance.now() - t0,
    ...(d.caPem !== undefined ? { trust: { insecure: false, caPem: d.caPem } } : {}),
    settle: (r: Call, kind: OutcomeKind, code?: string) => {
      if (r.settled) return;
      r.settled = true;
      outcomes.push({ req: r.req, kind, code, connId: r.connId, streamId: r.streamId ?? 0, pod: r.pod, reused: r.reused });
      const slot = r.slot as StreamSlot;
      const next = waiting.shift();
      queueMicrotask(() => (next !== undefined ? send(slot, next) : pool.release(slot)));
      if (outcomes.length === d.calls) done();
    },
    onConnection: (rec: H2ConnectionRecord) => void connections.set(rec.connId, rec),
  };
  const reqs = Array.from({ length: d.calls }, (_, i) => `req-${i}`);
  const make: (o: H2PoolOptions<Call>) => H2Pool<Call> = d.client === 'node' ? createH2Pool : createLeanH2Pool;
  const pool: H2Pool<Call> = d.grpc
    ? make({
        ...base,
        requests: reqs.map((req) => grpcRequestSpec({ method: 'grpc.health.v1.Health/Check', data: JSON.stringify({ service: req }), metadata: [] })),
        reader: (r) => createGrpcReader(r, base.podHeader, true),
      })
    : make({
        ...base,
        requests: reqs.map((req) => (d.get ? { path: '/', method: 'GET', headers: d.headers ?? [], body: null } : { path: '/', method: 'POST', headers: d.headers ?? [], body: Buffer.from(req.padEnd(d.bodyBytes ?? 0, '.')) })),
      });
  const send = (slot: StreamSlot, r: Call): void => {
    r.slot = slot;
    pool.connectionFor(slot);
    pool.dispatch(slot, r);
  };
  reqs.forEach((req, i) => {
    const r: Call = { req, slot: null, connId: '', reused: false, status: undefined, pod: undefined, settled: false, mixIndex: i };
    const slot = pool.acquire();
    if (slot === null) waiting.push(r);
    else send(slot, r);
  });
  await all;
  await pool.destroy();
  outcomes.sort((a, b) => Number(a.req.slice(4)) - Number(b.req.slice(4)));
  return { outcomes, connections: [...connections.values()] };
}
