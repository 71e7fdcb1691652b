// test-lane: slow: the demo app as a real process, drains of seconds
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { sleep, startDemoApp as startApp } from './demo-process.js';

/** RawConn is a hand-driven HTTP/1.1 keep-alive connection, so the test decides exactly when requests go out. */
class RawConn {
  private buf = '';
  closedAt: number | null = null;
  readonly socket: Socket;
  constructor(host: string, port: number) {
    this.socket = connect(port, host);
    this.socket.setEncoding('utf8').on('data', (d: string) => (this.buf += d));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closedAt = performance.now()));
  }
  send(path = '/'): void {
    this.socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
  }
  /** response waits for the next complete response (headers + content-length body) and returns its head. */
  async response(): Promise<string> {
    for (let i = 0; i < 200; i += 1) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.slice(0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          this.buf = this.buf.slice(end + 4 + len);
          return head;
        }
      }
      await sleep(10);
    }
    throw new Error('no response');
  }
}

test('demo app: names the pod, answers /healthz at once and other paths after DEMO_LATENCY_MS', async (t) => {
  const app = await startApp(t, { DEMO_LATENCY_MS: '150' });
  const health = await fetch(`http://${app.host}:${app.port}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('x-pod-name'), 'demo-test-pod');
  const t0 = performance.now();
  const res = await fetch(`http://${app.host}:${app.port}/api/thing`);
  assert.equal(res.status, 200);
  assert.ok(performance.now() - t0 >= 140, 'the request should take about DEMO_LATENCY_MS');
  assert.deepEqual(await res.json(), { pod: 'demo-test-pod', path: '/api/thing', method: 'GET' });
});

test('demo app: on SIGTERM it stops accepting, answers in-flight and later requests with Connection: close, and exits 0', async (t) => {
  const app = await startApp(t, { DEMO_LATENCY_MS: '200', DEMO_IDLE_CLOSE_MS: '400' });
  const inflight = new RawConn(app.host, app.port);
  const busy = new RawConn(app.host, app.port);
  await Promise.all([once(inflight, '/'), once(busy, '/')]);
  inflight.send('/slow');
  await sleep(50);
  app.child.kill('SIGTERM');
  await sleep(50);
  // Stopped accepting: a new connection is refused.
  await assert.rejects(fetch(`http://${app.host}:${app.port}/`), 'new connections must be refused while draining');
  // The request in flight at SIGTERM is answered, with Connection: close.
  assert.match(await inflight.response(), /connection: close/i);
  // A request arriving later on an open keep-alive connection is answered too, with Connection: close.
  busy.send('/');
  const head = await busy.response();
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, /connection: close/i);
  assert.deepEqual(await app.exit, { code: 0, signal: null });
  assert.match(app.log(), /drained \(\d+ requests served\); exiting 0/);
});

test('demo app: while draining, an idle keep-alive connection is closed only after it stayed idle DEMO_IDLE_CLOSE_MS', async (t) => {
  const app = await startApp(t, { DEMO_LATENCY_MS: '10', DEMO_IDLE_CLOSE_MS: '600' });
  const idle = new RawConn(app.host, app.port);
  await once(idle, '/');
  const sentAt = performance.now();
  app.child.kill('SIGTERM');
  await app.exit;
  assert.ok(idle.closedAt !== null);
  // Idle since just before SIGTERM: closed no sooner than the idle period after its last response.
  assert.ok((idle.closedAt ?? 0) - sentAt >= 500, `closed ${(idle.closedAt ?? 0) - sentAt} ms after SIGTERM`);
});

test('demo app: DEMO_DRAIN=0 closes every connection at once (a request in flight fails) and exits 0', async (t) => {
  const app = await startApp(t, { DEMO_LATENCY_MS: '300', DEMO_DRAIN: '0' });
  const conn = new RawConn(app.host, app.port);
  conn.send('/slow');
  await sleep(100);
  app.child.kill('SIGTERM');
  assert.deepEqual(await app.exit, { code: 0, signal: null });
  await sleep(50);
  assert.ok(conn.closedAt !== null, 'the connection must be closed');
  await assert.rejects(conn.response(), /no response/);
  assert.match(app.log(), /naive shutdown/);
});

async function once(conn: RawConn, path: string): Promise<string> {
  conn.send(path);
  return conn.response();
}
