// Diagnosis through a proxy, table-driven: proxy 5xx are connection failures seen
// through the proxy, attributed by the upstream header, else by the windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import { upstreamAddresses } from '../../src/analysis/front-door.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { RetriedRecord } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

const A = '127.0.9.1:8080';
const B = '127.0.9.2:8080';
const C = '127.0.9.3:8080';

// Pod a terminates at 3 s (preStop 1 s): the Service drops it and it gets SIGTERM at 4 s, exits at 4.02 s; the
// ingress drops it only at 5 s. Pod c replaces it (ready at 2.5 s).
const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'a', revision: '1', atMs: 0 },
  { kind: 'pod-ready', pod: 'a', atMs: 100 },
  { kind: 'pod-created', pod: 'b', revision: '1', atMs: 0 },
  { kind: 'pod-ready', pod: 'b', atMs: 100 },
  { kind: 'ingress', proxy: 'nginx', action: 'started', endpoints: ['a', 'b'], upstreams: { [A]: 'a', [B]: 'b' }, via: 'config', atMs: 500 },
  { kind: 'pod-created', pod: 'c', revision: '2', atMs: 2000 },
  { kind: 'pod-ready', pod: 'c', atMs: 2500 },
  { kind: 'pod-terminating', pod: 'a', graceMs: 30_000, atMs: 3000 },
  { kind: 'prestop-started', pod: 'a', hook: 'sleep 1s', atMs: 3000 },
  { kind: 'endpoint-not-ready', pod: 'a', terminating: true, atMs: 3000 },
  { kind: 'endpoint-added', pod: 'c', atMs: 3500 },
  { kind: 'ingress', proxy: 'nginx', action: 'updated', endpoints: ['a', 'b', 'c'], upstreams: { [A]: 'a', [B]: 'b', [C]: 'c' }, via: 'reload', atMs: 3600 },
  { kind: 'prestop-finished', pod: 'a', ok: true, atMs: 4000 },
  { kind: 'endpoint-removed', pod: 'a', atMs: 4000 },
  { kind: 'sigterm', pod: 'a', atMs: 4000 },
  { kind: 'exited', pod: 'a', exitCode: 0, signal: null, afterSigtermMs: 20, atMs: 4020 },
  { kind: 'ingress', proxy: 'nginx', action: 'updated', endpoints: ['b', 'c'], upstreams: { [B]: 'b', [C]: 'c' }, via: 'reload', atMs: 5000 },
];

const proxied = (atMs: number, method: string, upstream: string | undefined, startAtMs = atMs - 1, status = 502) =>
  fail(atMs, 'http_5xx', { status, answeredBy: 'nginx', server: 'nginx', method, ...(upstream ? { upstream } : {}), startAtMs, reused: true });

test('upstreamAddresses keeps addresses only (nginx names the group when no server was left)', () => {
  assert.deepEqual(upstreamAddresses(`${A}, ${B}, pods`), [A, B]);
  assert.deepEqual(upstreamAddresses(`-, ${B}`), [B]);
  assert.deepEqual(upstreamAddresses(`${A} : ${B}`), [A, B]);
  assert.deepEqual(upstreamAddresses(undefined), []);
});

test('proxy 502s count towards the pod behind them: a cut at SIGTERM, a dead pod the ingress still routed, a 503 with no endpoint', () => {
  const retried: RetriedRecord[] = [
    { startAtMs: 4500, endAtMs: 4600, method: 'POST', upstream: `${A}, ${B}`, status: 200, population: 'fresh' },
    { startAtMs: 3990, endAtMs: 4100, method: 'GET', upstream: `${A}, ${C}`, status: 200, population: 'keepalive' },
  ];
  const results = makeResults({
    durationMs: 9000,
    events: [...events, { kind: 'ingress', proxy: 'nginx', action: 'updated', endpoints: [], upstreams: {}, via: 'reload', atMs: 8000 }],
    failures: [
      proxied(4010, 'POST', A, 3900), // in flight at the SIGTERM: cut
      proxied(4600, 'GET', `${A}, ${B}, pods`, 4599), // every try failed, a first: the ingress still routed a
      proxied(8200, 'GET', undefined, 8199, 503), // nothing left to route to
    ],
  });
  results.retried = retried;
  const a = analyze(results, { maxErrors: 0 });
  assert.deepEqual(a.attributions.map((x) => [x.pod, x.how, x.cause]), [
    ['a', 'upstream', 'upstream-keepalive-reset'],
    // b answered nothing wrong of its own: the try on a, dead and still routed by the ingress, explains it.
    ['a', 'upstream', 'ingress-lag'],
    [undefined, 'none', 'no-ready-endpoints'],
  ]);
  assert.match(a.attributions[0]?.text ?? '', /seen through nginx as 502; upstream tried: 127\.0\.9\.1:8080/);
  const ids = a.findings.map((f) => f.id);
  assert.ok(ids.includes('upstream-keepalive-reset') && ids.includes('no-ready-endpoints'), ids.join(', '));
  assert.ok(!ids.includes('unrelated-errors'), ids.join(', '));
  const lag = a.findings.find((f) => f.id === 'ingress-lag');
  assert.ok(lag, ids.join(', '));
  assert.equal(lag.data?.hiddenByRetry, 1, 'the POST refused by a after its exit, saved on b');
  assert.equal(lag.failures, 1);
  assert.match(lag.evidence.join('\n'), /the Service removed it at 4\.00 s, the ingress only at 5\.00 s \(1\.0 s later\)/);
  const cut = a.findings.find((f) => f.id === 'upstream-keepalive-reset');
  assert.equal(cut?.data?.hiddenByRetry, 1, 'the GET in flight at the SIGTERM, retried on c');
  assert.match(cut?.evidence.join('\n') ?? '', /1 POST/);
});

test('behind the embedded nginx a closed client connection right after a reload is the reload, not a pod', () => {
  const results = makeResults({
    durationMs: 9000,
    events,
    failures: [fail(3700, 'closed_before_response', { reused: true, pod: 'b', method: 'GET', startAtMs: 3650 })],
  });
  const a = analyze(results, { maxErrors: 0 });
  assert.equal(a.attributions[0]?.cause, 'ingress-reload');
  assert.equal(a.attributions[0]?.pod, undefined, 'the pod last named on the client connection says nothing behind a proxy');
  assert.deepEqual(a.findings.map((f) => f.id), ['ingress-reload']);
});

test('behind nginx over gRPC, a stream refused by the GOAWAY of a reloading worker (a new connection, last-stream-id 0) is the reload, a warning only', () => {
  const refused = fail(3700, 'goaway_refused', { reused: false, method: 'POST', startAtMs: 3650, streamId: 1, errorCode: 'NO_ERROR' });
  const a = analyze(makeResults({ durationMs: 9000, events, failures: [refused] }), { maxErrors: 0 });
  assert.equal(a.attributions[0]?.cause, 'ingress-reload');
  assert.deepEqual(a.findings.map((f) => [f.id, f.severity]), [['ingress-reload', 'warning']], 'a standard client retries it unseen');
  assert.equal(a.verdict.pass, true);
  // A stream cut after it started, on the same reload, is one an application sees: critical.
  const cut = fail(3710, 'stream_reset', { reused: true, method: 'POST', startAtMs: 3660, streamId: 3, errorCode: 'CANCEL' });
  const b = analyze(makeResults({ durationMs: 9000, events, failures: [refused, cut] }), { maxErrors: 0 });
  assert.deepEqual(b.findings.map((f) => [f.id, f.severity]), [['ingress-reload', 'critical']]);
});
