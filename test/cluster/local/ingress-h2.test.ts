// test-lane: slow: real nginx and HAProxy in front of gRPC and h2c demo pods
// The embedded ingress with --protocol grpc|h2c: an HTTP/2 listener, HTTP/2 to the
// pods (nginx grpc_pass, HAProxy proto h2), balanced per request, the upstream
// header on gRPC answers, and the proxy's own 502 naming the pod it used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http2, { type IncomingHttpHeaders } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngress, type IngressProtocol } from '../../../src/cluster/local/ingress.js';
import { createClock } from '../../../src/results/clock.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { frameMessage } from '../../../src/traffic/grpc/grpc-frame.js';
import { skipUnless } from '../../tools.js';
import { startDemoApp, type DemoApp } from '../../demo-app/demo-process.js';

type T = { after(fn: () => void | Promise<void>): void };
interface Answer {
  head: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders;
  body: string;
}

/** ask sends one request on `session`: a gRPC Health/Check, or an h2c GET. */
function ask(session: http2.ClientHttp2Session, grpc: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request(grpc ? { ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' } : { ':path': '/api' });
    const a: Answer = { head: {}, trailers: {}, body: '' };
    req.on('response', (h) => (a.head = h));
    req.on('trailers', (h) => (a.trailers = h));
    req.setEncoding('latin1').on('data', (d: string) => (a.body += d));
    req.on('error', reject);
    req.on('close', () => resolve(a));
    req.end(grpc ? frameMessage(new Uint8Array(0)) : undefined);
  });
}

async function setup(t: T, proxy: 'nginx' | 'haproxy', protocol: IngressProtocol, net: number): Promise<{ pods: DemoApp[]; url: string; session: http2.ClientHttp2Session }> {
  const logDir = mkdtempSync(join(tmpdir(), 'rollcheck-ingress-h2-'));
  t.after(() => rmSync(logDir, { recursive: true, force: true }));
  const pods = [await startDemoApp(t, { DEMO_PROTOCOL: protocol, DEMO_LATENCY_MS: '5' }, { net }), await startDemoApp(t, { DEMO_PROTOCOL: protocol, DEMO_LATENCY_MS: '5' }, { net })];
  const endpoints = pods.map((p, i) => ({ pod: `pod-${i}`, host: p.host, port: p.port }));
  const events: ClusterEvent[] = [];
  const ingress = await startIngress({ kind: proxy, delayMs: 100, tls: false, protocol }, endpoints, { clock: createClock(), emit: (e) => events.push(e) }, logDir);
  t.after(() => ingress.stop());
  const session = http2.connect(ingress.url);
  session.on('error', () => undefined);
  t.after(() => void session.destroy());
  return { pods, url: ingress.url, session };
}

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`${proxy} ingress, --protocol grpc: gRPC over one HTTP/2 connection reaches both pods (per-request balancing), the upstream header on each answer`, { skip: skipUnless(proxy) }, async (t) => {
    const { pods, session } = await setup(t, proxy, 'grpc', 91 + (proxy === 'nginx' ? 0 : 1));
    const seen = new Map<string, string>();
    for (let i = 0; i < 8; i += 1) {
      const a = await ask(session, true);
      assert.equal(a.head[':status'], 200);
      assert.equal(a.trailers['grpc-status'], '0', JSON.stringify(a));
      const upstream = String(a.head['x-upstream-addr'] ?? '');
      assert.ok(pods.some((p) => upstream === `${p.host}:${p.port}`), `upstream header names a pod: ${upstream}`);
      seen.set(upstream, String(a.head['x-pod-name']));
    }
    assert.equal(seen.size, 2, 'one client connection, both pods: the proxy balances streams, not connections');
  });

  test(`${proxy} ingress, --protocol grpc: with every pod gone the proxy answers itself (5xx, no grpc-status) and names the pod it tried`, { skip: skipUnless(proxy) }, async (t) => {
    const { pods, session } = await setup(t, proxy, 'grpc', 93 + (proxy === 'nginx' ? 0 : 1));
    assert.equal((await ask(session, true)).trailers['grpc-status'], '0');
    for (const p of pods) p.child.kill('SIGKILL');
    await Promise.all(pods.map((p) => p.exit));
    const a = await ask(session, true);
    const status = Number(a.head[':status']);
    assert.ok(status === 502 || status === 503, `the proxy's own answer: ${JSON.stringify(a.head)}`);
    assert.equal(a.head['grpc-status'] ?? a.trailers['grpc-status'], undefined, 'an HTTP error, which gRPC clients read as UNAVAILABLE');
    if (proxy === 'nginx') {
      assert.match(String(a.head.server ?? ''), /nginx/);
      const tried = String(a.head['x-upstream-addr'] ?? '');
      assert.ok(pods.some((p) => tried.includes(`${p.host}:${p.port}`)), `nginx names the pod(s) it tried: ${tried}`);
    }
  });

  test(`${proxy} ingress, --protocol h2c: an HTTP/2 GET through the proxy to h2c-only pods`, { skip: skipUnless(proxy) }, async (t) => {
    const { session } = await setup(t, proxy, 'h2c', 95 + (proxy === 'nginx' ? 0 : 1));
    const a = await ask(session, false);
    assert.equal(a.head[':status'], 200, JSON.stringify(a));
    assert.match(a.body, /"pod":"demo-test-pod"/);
    assert.ok(a.head['x-upstream-addr'], 'the upstream header');
  });
}
