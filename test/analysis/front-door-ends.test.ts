// A proxy's 502 at a pod's SIGKILL counts towards how that pod ended, as a
// direct failure there does: termination.ts tells sigterm-ignored from
// grace-too-short, and the front door follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { fail, makeResults } from './fixtures.js';

const A = '127.0.9.1:8080';
const B = '127.0.9.2:8080';

// Pod a: preStop 1 s, grace 2.5 s, so SIGKILL comes 1.5 s after SIGTERM: too little time to say it ignored SIGTERM.
const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'a', revision: '1', atMs: 0 },
  { kind: 'pod-ready', pod: 'a', atMs: 100 },
  { kind: 'pod-created', pod: 'b', revision: '2', atMs: 2000 },
  { kind: 'pod-ready', pod: 'b', atMs: 2500 },
  { kind: 'ingress', proxy: 'nginx', action: 'started', endpoints: ['a', 'b'], upstreams: { [A]: 'a', [B]: 'b' }, via: 'config', atMs: 500 },
  { kind: 'pod-terminating', pod: 'a', graceMs: 2500, atMs: 3000 },
  { kind: 'prestop-started', pod: 'a', hook: 'sleep 1s', atMs: 3000 },
  { kind: 'endpoint-not-ready', pod: 'a', terminating: true, atMs: 3000 },
  { kind: 'prestop-finished', pod: 'a', ok: true, atMs: 4000 },
  { kind: 'endpoint-removed', pod: 'a', atMs: 4000 },
  { kind: 'sigterm', pod: 'a', atMs: 4000 },
  { kind: 'sigkill', pod: 'a', atMs: 5500 },
  { kind: 'exited', pod: 'a', exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 1500, atMs: 5501 },
];

test('a proxy 502 at the SIGKILL of a pod killed 1.5 s after SIGTERM is grace-too-short, not sigterm-ignored', () => {
  const results = makeResults({
    durationMs: 9000,
    events,
    failures: [
      fail(5501, 'http_5xx', { status: 502, answeredBy: 'nginx', server: 'nginx', method: 'POST', upstream: A, startAtMs: 5300, reused: true }),
    ],
  });
  const a = analyze(results, { maxErrors: 0 });
  assert.deepEqual(a.attributions.map((x) => [x.pod, x.cause]), [['a', 'grace-too-short']]);
  const ids = a.findings.map((f) => f.id);
  assert.ok(ids.includes('grace-too-short') && !ids.includes('sigterm-ignored'), ids.join(', '));
});
