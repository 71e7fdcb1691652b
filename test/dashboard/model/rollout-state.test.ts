import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutState } from '../../../src/dashboard/model/rollout-state.js';
import { describeEvent } from '../../../src/dashboard/model/event-lines.js';
import type { ClusterEvent } from '../../../src/results/events.js';

const REVS = { canaryRevision: 'new', stableRevision: 'old' };

test('rolloutState: a progressive rollout shows its current step and weight, the newest step winning', () => {
  const events: ClusterEvent[] = [
    { kind: 'rollout-started', revision: 'new', trigger: 'restart', atMs: 1000 },
    { kind: 'rollout-step', strategy: 'canary', index: 2, step: 'setWeight 50%', action: 'set-weight', weight: 50, ...REVS, atMs: 9000 },
    { kind: 'rollout-step', strategy: 'canary', index: 0, step: 'setWeight 25%', action: 'set-weight', weight: 25, ...REVS, atMs: 1000 },
    { kind: 'rollout-progress', replicas: 4, updated: 2, ready: 4, available: 4, atMs: 9500 },
  ];
  const s = rolloutState(events);
  assert.equal(s.status, 'progressing');
  assert.deepEqual(s.step, { strategy: 'canary', index: 2, label: 'setWeight 50%', weight: 50 });
  assert.equal(rolloutState(events.filter((e) => e.kind !== 'rollout-step')).step, undefined);
});

test('describeEvent: a rollout step and a delayed scale-down read as the log line', () => {
  const sw: ClusterEvent = { kind: 'rollout-step', strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100, ...REVS, atMs: 7000 };
  assert.equal(describeEvent(sw, 20), 'blue-green step 1: switch (weight 100%)');
  const rs: ClusterEvent = { kind: 'replicaset-scaled', revision: 'old', role: 'stable', replicas: 3, scaleDownAtMs: 37_000, atMs: 7000 };
  assert.match(describeEvent(rs, 20) ?? '', /^ReplicaSet scaled: stable old → 3 \(scale-down at 37/);
});
