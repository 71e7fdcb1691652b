// A blue-green switch with scaleDownDelaySeconds 0 as a cluster's watches show it
// (from a sandbox run): the old pod's endpoint leaves the active Service's slice a
// millisecond before its deletion is seen, and the switch itself a few ms after;
// the proxies keep routing to the old pod for seconds after it exited. Every reset
// until then is the early scale-down's, in the scale-down step, never the new
// pods' start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import { buildPodTimelines } from '../../src/analysis/pod-timeline.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { fail, makeResults } from './fixtures.js';

const REVS = { canaryRevision: 'new', stableRevision: 'old' };
const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'old-a', revision: 'old', atMs: -5000 },
  { kind: 'pod-ready', pod: 'old-a', atMs: -4000 },
  { kind: 'endpoint-added', pod: 'old-a', atMs: -3900 },
  { kind: 'rollout-step', strategy: 'blue-green', index: 0, step: 'preview', action: 'preview', weight: 0, ...REVS, atMs: 2578 },
  { kind: 'replicaset-scaled', revision: 'new', role: 'canary', replicas: 1, ready: 0, atMs: 2579 },
  { kind: 'pod-created', pod: 'new-a', revision: 'new', atMs: 2579 },
  { kind: 'pod-ready', pod: 'new-a', atMs: 3261 },
  { kind: 'endpoint-not-ready', pod: 'old-a', terminating: false, atMs: 3299 },
  { kind: 'replicaset-scaled', revision: 'old', role: 'stable', replicas: 0, ready: 1, atMs: 3300 },
  { kind: 'pod-terminating', pod: 'old-a', graceMs: 30_000, reason: 'deleted', atMs: 3300 },
  { kind: 'prestop-started', pod: 'old-a', hook: 'exec sleep 1', inferred: true, atMs: 3300 },
  { kind: 'rollout-step', strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100, ...REVS, atMs: 3303 },
  { kind: 'prestop-finished', pod: 'old-a', ok: true, inferred: true, atMs: 4300 },
  { kind: 'sigterm', pod: 'old-a', inferred: true, atMs: 4300 },
  { kind: 'exited', pod: 'old-a', exitCode: 0, signal: null, afterSigtermMs: 126, atMs: 4426 },
  { kind: 'pod-deleted', pod: 'old-a', atMs: 4426 },
  { kind: 'endpoint-removed', pod: 'old-a', atMs: 4427 },
  { kind: 'endpoint-added', pod: 'new-a', atMs: 5289 },
];

test('a live pod whose endpoint left the slice just before its deletion was seen: routing stopped at the slice change', () => {
  const old = buildPodTimelines(events).find((t) => t.pod === 'old-a');
  assert.equal(old?.routingStoppedMs, 3299);
  assert.equal(old?.routingFromSlice, true);
  // Back in the slice before the deletion (a readiness flap): routing did not stop then.
  const flap = buildPodTimelines([...events.slice(0, 7), { kind: 'endpoint-added', pod: 'old-a', atMs: 3299.5 }, ...events.slice(7)]).find((t) => t.pod === 'old-a');
  assert.equal(flap?.routingStoppedMs, 4427);
});

// A real EndpointSlice controller drops a pod the selector no longer matches from the slice (the sandbox marks it not ready):
// the removal is the slice change, and the pods' events carry the API server's times.
const removedShape: ClusterEvent[] = events.map((e) => {
  if (e.kind === 'endpoint-not-ready') return { kind: 'endpoint-removed', pod: e.pod, atMs: e.atMs };
  if (e.kind === 'endpoint-removed') return { kind: 'note', message: 'gone from the slice already', atMs: e.atMs };
  return e.kind === 'pod-created' ? { ...e, serverTime: '2026-12-07T08:00:00Z' } : e;
});

for (const [shape, evs] of [['as the sandbox shows it (not ready in the slice)', events], ['as a cluster shows it (removed from the slice)', removedShape]] as const) {
  test(`blue-green, scale-down 0 s, watches out of order, ${shape}: every reset while the proxies still routed the old pod is stable-scaled-down-early, in the scale-down step`, () => {
    const failures = [4335, 4600, 4935, 5251].map((atMs) => fail(atMs, 'reset'));
    const a = analyze(makeResults({ events: evs, failures, durationMs: 9000 }), { maxErrors: 0 });
    assert.deepEqual(a.findings.map((f) => [f.id, f.failures]), [['stable-scaled-down-early', 4]]);
    const steps = (a.rolloutSteps ?? []).map((s) => [s.action, s.failures]);
    assert.deepEqual(steps, [['preview', 0], ['switch', 0], ['scale-down', 4]]);
    // The delay it needs is read from when requests still reached the old pod, not from the API's removal.
    const evidence = a.findings[0]?.evidence.join('\n') ?? '';
    assert.match(evidence, /requests still reached it up to 5\.25 s, 1\.9 s after the switch \(the proxies apply a change late\)/);
    assert.match(evidence, /scaleDownDelaySeconds must be at least 3 for this run/);
  });
}
