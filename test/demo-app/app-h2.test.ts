// test-lane: slow: the demo app over HTTP/2 and gRPC as a real process, drains of seconds
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { frameMessage } from '../../src/traffic/grpc/grpc-frame.js';
import { decodeHealthCheckStatus, encodeHealthCheckRequest } from '../../src/grpc-health.js';
import { sleep, startDemoApp, type DemoApp } from './demo-process.js';

/** Answer is what one stream got: its head, its trailers, its body, or how it died. */
interface Answer {
  headers?: IncomingHttpHeaders;
  trailers?: IncomingHttpHeaders;
  body: Buffer;
  headersAtMs?: number;
  endAtMs: number;
  rstCode?: number;
  error?: string;
}

/** Client is one HTTP/2 connection to the app, with the GOAWAYs it received. */
interface Client {
  session: ClientHttp2Session;
  goaways: Array<{ code: number; lastStreamId: number; atMs: number }>;
  closed: Promise<void>;
}

function connectTo(app: DemoApp): Client {
  const session = http2.connect(`http://${app.host}:${app.port}`);
  session.on('error', () => undefined);
  const goaways: Client['goaways'] = [];
  session.on('goaway', (code, lastStreamId) => goaways.push({ code, lastStreamId, atMs: performance.now() }));
  const closed = new Promise<void>((r) => session.once('close', () => r()));
  return { session, goaways, closed };
}

/** call sends one request on the client's connection: a GET, or a unary gRPC call with `message`. */
function call(c: Client, path: string, message?: Uint8Array): Promise<Answer> {
  const grpc = message !== undefined;
  const headers = grpc ? { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' } : { ':path': path };
  return new Promise((resolve) => {
    const a: Answer = { body: Buffer.alloc(0), endAtMs: 0 };
    const req = c.session.request(headers, { endStream: !grpc });
    req.on('response', (h) => {
      a.headers = h;
      a.headersAtMs = performance.now();
    });
    req.on('trailers', (h) => (a.trailers = h));
    req.on('data', (d: Buffer) => (a.body = Buffer.concat([a.body, d])));
    req.on('error', (err: Error) => (a.error = err.message));
    req.on('close', () => {
      a.endAtMs = performance.now();
      if (req.rstCode) a.rstCode = req.rstCode;
      resolve(a);
    });
    if (grpc) req.end(frameMessage(message));
  });
}

const grpcStatus = (a: Answer): string | undefined => String(a.trailers?.['grpc-status'] ?? a.headers?.['grpc-status'] ?? '') || undefined;
const health = (c: Client, service = ''): Promise<Answer> => call(c, '/grpc.health.v1.Health/Check', encodeHealthCheckRequest(service));
const work = (c: Client): Promise<Answer> => call(c, '/rollcheck.demo.Demo/Work', new Uint8Array(0));

test('demo app, DEMO_PROTOCOL=h2c: the HTTP/1.1 API over HTTP/2 prior knowledge, pod named in x-pod-name', async (t) => {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'h2c', DEMO_LATENCY_MS: '100' });
  const c = connectTo(app);
  const hz = await call(c, '/healthz');
  assert.equal(hz.headers?.[':status'], 200);
  assert.equal(hz.headers?.['x-pod-name'], 'demo-test-pod');
  const t0 = performance.now();
  const res = await call(c, '/api/thing');
  assert.equal(res.headers?.[':status'], 200);
  assert.ok(res.endAtMs - t0 >= 90, 'the request should take about DEMO_LATENCY_MS');
  assert.deepEqual(JSON.parse(res.body.toString()), { pod: 'demo-test-pod', path: '/api/thing', method: 'GET' });
  c.session.close();
});

test('demo app, DEMO_PROTOCOL=grpc: Health/Check is SERVING, Work answers after the latency with the pod, unknown methods and services are refused', async (t) => {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc', DEMO_LATENCY_MS: '100' });
  const c = connectTo(app);
  const h = await health(c);
  assert.equal(grpcStatus(h), '0');
  assert.equal(h.headers?.['x-pod-name'], 'demo-test-pod');
  assert.equal(decodeHealthCheckStatus(h.body.subarray(5)), 1, 'SERVING');
  assert.equal(decodeHealthCheckStatus((await health(c, 'rollcheck.demo.Demo')).body.subarray(5)), 1);
  assert.equal(grpcStatus(await health(c, 'no.such.Service')), '5', 'NOT_FOUND, as the grpc health service answers');
  const t0 = performance.now();
  const w = await work(c);
  assert.equal(grpcStatus(w), '0');
  assert.ok(w.endAtMs - t0 >= 90, 'Work takes about DEMO_LATENCY_MS');
  assert.match(w.body.subarray(5).toString(), /demo-test-pod/);
  assert.equal(grpcStatus(await call(c, '/rollcheck.demo.Demo/Nope', new Uint8Array(0))), '12', 'UNIMPLEMENTED');
  c.session.close();
});

/** sigtermMidWork starts a gRPC demo with 600 ms calls and SIGTERMs it while one is in flight on connection `c`. */
async function sigtermMidWork(t: { after(fn: () => void): void }, env: Record<string, string>): Promise<{ app: DemoApp; c: Client; inflight: Promise<Answer> }> {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc', DEMO_LATENCY_MS: '600', ...env });
  const c = connectTo(app);
  assert.equal(grpcStatus(await health(c)), '0');
  const inflight = work(c);
  await sleep(150);
  app.child.kill('SIGTERM');
  return { app, c, inflight };
}

test('demo app, grpc graceful stop: at SIGTERM a GOAWAY (NO_ERROR), the stream in flight finishes, new connections are refused, exit 0', async (t) => {
  const { app, c, inflight } = await sigtermMidWork(t, {});
  await sleep(50);
  const late = connectTo(app);
  const refused = await health(late);
  assert.match(refused.error ?? '', /ECONNREFUSED/, 'no new connection while draining');
  const a = await inflight;
  assert.equal(grpcStatus(a), '0', `the stream in flight finishes (${a.error ?? ''})`);
  // node sends a second GOAWAY (NO_ERROR too) as the session ends.
  assert.ok(c.goaways.length >= 1);
  assert.ok(c.goaways.every((g) => g.code === 0), 'NO_ERROR');
  assert.ok((c.goaways[0]?.lastStreamId ?? 0) >= 3, 'the last stream id covers the stream in flight');
  assert.ok((c.goaways[0]?.atMs ?? Infinity) < a.endAtMs, 'the GOAWAY came before the stream ended');
  await c.closed;
  assert.deepEqual(await app.exit, { code: 0, signal: null });
  assert.match(app.log(), /graceful stop, GOAWAY on 1 connections with 1 streams open/);
});

test('demo app, grpc DEMO_DRAIN=0: at SIGTERM the connection is cut without GOAWAY and the stream in flight dies, exit 0', async (t) => {
  const { app, c, inflight } = await sigtermMidWork(t, { DEMO_DRAIN: '0' });
  const a = await inflight;
  assert.equal(grpcStatus(a), undefined, 'no status: the stream was cut');
  assert.equal(c.goaways.length, 0, 'no GOAWAY');
  assert.deepEqual(await app.exit, { code: 0, signal: null });
  assert.match(app.log(), /abrupt shutdown/);
});

test('demo app, grpc DEMO_STREAM_MS without a hard-stop timer: the drain waits for the long stream (head at once), then exits 0', async (t) => {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc', DEMO_STREAM_MS: '1500', DEMO_DRAIN_TIMEOUT_MS: '0' });
  const c = connectTo(app);
  const t0 = performance.now();
  const long = work(c);
  await sleep(300);
  app.child.kill('SIGTERM');
  const a = await long;
  assert.ok((a.headersAtMs ?? Infinity) - t0 < 1000, 'the head goes out at once');
  assert.equal(grpcStatus(a), '0');
  assert.ok(a.endAtMs - t0 >= 1400, 'the stream ran its full length through the drain');
  assert.deepEqual(await app.exit, { code: 0, signal: null });
});

test('demo app, grpc DEMO_STREAM_MS with a hard-stop timer: the timer cancels the long stream (RST_STREAM CANCEL) and exits 1', async (t) => {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc', DEMO_STREAM_MS: '5000', DEMO_DRAIN_TIMEOUT_MS: '400' });
  const c = connectTo(app);
  const long = work(c);
  await sleep(300);
  app.child.kill('SIGTERM');
  const a = await long;
  assert.equal(grpcStatus(a), undefined);
  assert.equal(a.rstCode, http2.constants.NGHTTP2_CANCEL, `reset with CANCEL (${a.error ?? ''})`);
  assert.deepEqual(await app.exit, { code: 1, signal: null });
  assert.match(app.log(), /drain timeout after 400ms with 1 streams open; hard stop/);
});

test('demo app, DEMO_MAX_CONNECTION_AGE: an old connection gets a GOAWAY and closes; a new one serves, the app keeps running', async (t) => {
  const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc', DEMO_MAX_CONNECTION_AGE: '400ms' });
  const c = connectTo(app);
  assert.equal(grpcStatus(await health(c)), '0');
  await c.closed;
  assert.ok(c.goaways.length >= 1);
  assert.ok(c.goaways.every((g) => g.code === 0));
  const next = connectTo(app);
  assert.equal(grpcStatus(await health(next)), '0');
  next.session.close();
  assert.equal(app.child.exitCode, null, 'still running');
  assert.match(app.log(), /reached its max age/);
});

for (const entrypoint of ['shell', 'exec', 'tini']) {
  test(`demo app, grpc behind the ${entrypoint} entrypoint: serves, and SIGTERM to PID 1 ${entrypoint === 'shell' ? 'is not forwarded' : 'reaches the app (GOAWAY)'}`, async (t) => {
    const app = await startDemoApp(t, { DEMO_PROTOCOL: 'grpc' }, { script: `entrypoint-${entrypoint}.sh` });
    const c = connectTo(app);
    assert.equal(grpcStatus(await health(c)), '0');
    app.child.kill('SIGTERM');
    if (entrypoint === 'shell') {
      // Not PID 1 here, so sh dies of SIGTERM; its child app is left running and serving, unaware.
      await sleep(300);
      assert.equal(c.goaways.length, 0, 'the app never heard SIGTERM');
      assert.equal(grpcStatus(await health(c)), '0');
      c.session.close();
      return;
    }
    await c.closed;
    assert.ok(c.goaways.length >= 1);
    assert.equal((await app.exit).code, 0);
  });
}

test('demo app: an unknown DEMO_PROTOCOL is one line and exit 2', async () => {
  const { spawnSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const { demoDir } = await import('../../src/cluster/local/create-pod-runtime.js');
  const r = spawnSync(process.execPath, [join(demoDir(), 'app.mjs')], { env: { PATH: process.env.PATH, DEMO_PROTOCOL: 'h3', PORT: '0', HOST: '127.0.0.1' }, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stdout, /DEMO_PROTOCOL=h3 is not one of http1, h2c, grpc/);
});
