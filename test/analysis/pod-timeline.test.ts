import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPodTimelines } from '../../src/analysis/pod-timeline.js';
import type { ClusterEvent } from '../../src/results/events.js';

test('a shell-entrypoint pod: SIGTERM, then SIGKILL and exit 137 at the grace period', () => {
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod: 'a', revision: 'r1', atMs: 0 },
    { kind: 'pod-ready', pod: 'a', atMs: 500 },
    { kind: 'pod-terminating', pod: 'a', graceMs: 3000, atMs: 2000 },
    { kind: 'sigterm', pod: 'a', atMs: 2001 },
    { kind: 'sigkill', pod: 'a', atMs: 5000 },
    { kind: 'exited', pod: 'a', exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 2999, atMs: 5003 },
    { kind: 'pod-not-ready', pod: 'a', atMs: 2500 },
  ];
  const [t] = buildPodTimelines(events);
  assert.ok(t);
  assert.equal(t.state, 'exited');
  assert.equal(t.exitCode, 137);
  assert.equal(t.sigkillMs, 5000);
  assert.deepEqual(
    t.spans.map((s) => s.state),
    ['starting', 'ready', 'terminating', 'sigterm', 'sigkilled', 'exited'],
  );
});

test('pods come out in order of creation', () => {
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod: 'b', revision: 'r2', atMs: 10 },
    { kind: 'pod-created', pod: 'a', revision: 'r1', atMs: 0 },
  ];
  assert.deepEqual(buildPodTimelines(events).map((t) => t.pod), ['a', 'b']);
});
