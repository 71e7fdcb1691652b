// The Argo Rollout kind read from its status alone, table-driven: when a
// rollout is done (as `kubectl argo rollouts status` says) and which status
// changes are steps on the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutState, rolloutStepEvents, rolloutTriggerPatch, type RolloutLike } from '../../../src/cluster/kube/workloads/rollout.js';
import { createRolloutReplicaSets } from '../../../src/cluster/kube/workloads/rollout-replicasets.js';
import { readRolloutOptions } from '../../../src/cluster/kube/workloads/rollout-options.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { parseWorkloadRef } from '../../../src/cluster/kube/workload-ref.js';

const ro = (status: RolloutLike['status'], strategy: NonNullable<RolloutLike['spec']>['strategy'], generation = 2): RolloutLike => ({
  metadata: { name: 'demo', generation },
  spec: { replicas: 2, strategy },
  status,
});
const BG = { blueGreen: { activeService: 'demo', scaleDownDelaySeconds: 30 } };
const CANARY = { canary: { steps: [{ setWeight: 25 }, { pause: { duration: '5s' } }, { setWeight: 50 }] } };

test('rolloutState: Healthy on the observed generation with the stable set current is complete; an abort fails; the rest waits', () => {
  assert.equal(rolloutState(ro({ phase: 'Healthy', observedGeneration: '2', currentPodHash: 'b', stableRS: 'b' }, BG)).state, 'complete');
  assert.equal(rolloutState(ro({ phase: 'Healthy', observedGeneration: '1', currentPodHash: 'a', stableRS: 'a' }, BG)).state, 'waiting', 'the new spec not observed yet');
  assert.equal(rolloutState(ro({ phase: 'Healthy', observedGeneration: 2, currentPodHash: 'b', stableRS: 'a' }, BG)).state, 'waiting');
  assert.match(rolloutState(ro({ phase: 'Paused', observedGeneration: '2', currentPodHash: 'b', stableRS: 'a', currentStepIndex: 1 }, CANARY)).message, /Paused at step 1/);
  assert.equal(rolloutState(ro({ phase: 'Degraded', observedGeneration: '2', abort: true }, CANARY)).state, 'failed');
});

test('rolloutStepEvents: a canary step index and a blue-green preview and switch become rollout-step events', () => {
  const before = ro({ currentPodHash: 'b', stableRS: 'a', currentStepIndex: 0 }, CANARY);
  const after = ro({ currentPodHash: 'b', stableRS: 'a', currentStepIndex: 2, canary: { weights: { canary: { weight: 50 } } } }, CANARY);
  const [skipped, step] = rolloutStepEvents(before, after, 1234);
  // Step 1 began between the two statuses the watch showed: recorded, marked seenLate.
  assert.deepEqual(skipped, { kind: 'rollout-step', strategy: 'canary', index: 1, step: 'pause 5s', action: 'pause', weight: 25, canaryRevision: 'b', stableRevision: 'a', seenLate: true, atMs: 1234 });
  assert.deepEqual(step, { kind: 'rollout-step', strategy: 'canary', index: 2, step: 'setWeight 50%', action: 'set-weight', weight: 50, canaryRevision: 'b', stableRevision: 'a', atMs: 1234 });
  // A new revision first seen at step 1: step 0 began before it.
  const first = rolloutStepEvents(ro({ currentPodHash: 'a', stableRS: 'a' }, CANARY), ro({ currentPodHash: 'b', stableRS: 'a', currentStepIndex: 1 }, CANARY), 50);
  assert.deepEqual(first.map((e) => e.kind === 'rollout-step' && [e.index, e.action, e.seenLate ?? false]), [[0, 'set-weight', true], [1, 'pause', false]]);
  assert.deepEqual(rolloutStepEvents(after, after, 2000), [], 'no change, no step');
  const preview = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'a', previewSelector: 'b' } }, BG);
  const switched = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'b', previewSelector: 'b' } }, BG);
  assert.deepEqual(rolloutStepEvents(null, preview, 1).map((e) => e.kind === 'rollout-step' && e.action), ['preview']);
  assert.deepEqual(rolloutStepEvents(preview, switched, 2).map((e) => e.kind === 'rollout-step' && e.action), ['switch']);
  // Settled (the stable set is the current one): nothing is a step.
  assert.deepEqual(rolloutStepEvents(switched, ro({ currentPodHash: 'b', stableRS: 'b', blueGreen: { activeSelector: 'b' } }, BG), 3), []);
});

test('rolloutStepEvents: a blue-green paused before the switch (autoPromotionEnabled false, BlueGreenPause) is a pause step; the promote then switches', () => {
  const manual = { blueGreen: { activeService: 'demo', scaleDownDelaySeconds: 30, autoPromotionEnabled: false } };
  const preview = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'a', previewSelector: 'b' } }, manual);
  const paused = ro({ ...preview.status, phase: 'Paused', pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:00:00Z' }] }, manual);
  const [pause] = rolloutStepEvents(preview, paused, 5);
  assert.deepEqual(pause, { kind: 'rollout-step', strategy: 'blue-green', index: 0, step: 'pause (until promoted: autoPromotionEnabled false)', action: 'pause', weight: 0, canaryRevision: 'b', stableRevision: 'a', atMs: 5 });
  assert.deepEqual(rolloutStepEvents(paused, paused, 6), [], 'still paused: no new step');
  const switched = ro({ currentPodHash: 'b', stableRS: 'a', phase: 'Progressing', blueGreen: { activeSelector: 'b', previewSelector: 'b' } }, manual);
  assert.deepEqual(rolloutStepEvents(paused, switched, 7).map((e) => e.kind === 'rollout-step' && e.action), ['switch']);
  // A canary's pause condition is not blue-green's.
  assert.deepEqual(rolloutStepEvents(preview, ro({ ...preview.status, pauseConditions: [{ reason: 'CanaryPauseStep' }] }, manual), 8), []);
});

test('--workload takes rollout/NAME, kubectl\'s short name and its group-qualified form', () => {
  for (const text of ['rollout/demo', 'ro/demo', 'rollouts/demo', 'rollout.argoproj.io/demo']) assert.deepEqual(parseWorkloadRef(text), { kind: 'rollout', name: 'demo' });
});

test('triggers: restart is spec.restartAt (kubectl argo rollouts restart), image= one container of the template list; a restart waits for status.restartedAt', () => {
  const w: RolloutLike = { ...ro({}, CANARY), spec: { replicas: 2, strategy: CANARY, template: { spec: { containers: [{ name: 'app', image: 'web:1' }, { name: 'proxy', image: 'envoy:1' }] } } } };
  const restart = rolloutTriggerPatch(w, { kind: 'restart' }).body as { spec: { restartAt: string } };
  assert.match(restart.spec.restartAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'RFC 3339 in whole seconds, as restart.go formats it');
  assert.deepEqual(Object.keys(restart.spec), ['restartAt']);
  assert.deepEqual(rolloutTriggerPatch(w, { kind: 'image', container: 'app', image: 'web:2' }).body, { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }, { name: 'proxy', image: 'envoy:1' }] } } } });
  assert.throws(() => rolloutTriggerPatch(w, { kind: 'image', image: 'web:2' }), /name one of the containers of rollout "demo": app, proxy/);
  const healthy = { phase: 'Healthy', observedGeneration: '2', currentPodHash: 'a', stableRS: 'a' };
  const restarting: RolloutLike = { ...ro(healthy, CANARY), spec: { restartAt: '2026-12-07T01:00:00Z', strategy: CANARY } };
  assert.match(rolloutState(restarting).message, /restarting the pods created before spec.restartAt/);
  assert.equal(rolloutState({ ...restarting, status: { ...healthy, restartedAt: '2026-12-07T01:00:00Z' } }).state, 'complete');
});

test('rolloutStepEvents: status.abort is an abort step where the rollout was (canary step index; blue-green 1 before the switch, 2 after)', () => {
  const before = ro({ currentPodHash: 'b', stableRS: 'a', currentStepIndex: 2 }, CANARY);
  const [abort] = rolloutStepEvents(before, ro({ currentPodHash: 'b', stableRS: 'a', currentStepIndex: 2, abort: true }, CANARY), 10);
  assert.deepEqual(abort, { kind: 'rollout-step', strategy: 'canary', index: 2, step: 'abort', action: 'abort', weight: 0, canaryRevision: 'b', stableRevision: 'a', atMs: 10 });
  const switched = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'b', previewSelector: 'b' } }, BG);
  const [bgAbort] = rolloutStepEvents(switched, { ...switched, status: { ...switched.status, abort: true } }, 20);
  assert.ok(bgAbort?.kind === 'rollout-step' && bgAbort.index === 2 && bgAbort.action === 'abort');
});

test('the ReplicaSets of a Rollout: a new desired count, ready count or scale-down deadline is a replicaset-scaled event, on the run clock', () => {
  const out: ClusterEvent[] = [];
  const rs = (hash: string, replicas: number, ready: number, deadline?: string) => ({
    metadata: { name: `demo-${hash}`, labels: { 'rollouts-pod-template-hash': hash }, ownerReferences: [{ kind: 'Rollout', name: 'demo' }], ...(deadline ? { annotations: { 'scale-down-deadline': deadline } } : {}) },
    spec: { replicas },
    status: { readyReplicas: ready },
  });
  const tracker = createRolloutReplicaSets({ rollout: 'demo', hashes: () => ({ stable: 'a', current: 'b' }), nowMs: () => 5000, wallMs: () => Date.parse('2026-12-07T01:00:00Z'), emit: (e) => out.push(e) });
  tracker.sync([rs('a', 2, 2)]);
  assert.deepEqual(out, [], 'the first sight only records');
  tracker.observe(rs('a', 2, 2, '2026-12-07T01:00:30Z'));
  tracker.observe(rs('a', 0, 2, '2026-12-07T01:00:30Z'));
  tracker.observe(rs('b', 2, 1));
  tracker.observe({ ...rs('c', 1, 1), metadata: { name: 'other', labels: { 'rollouts-pod-template-hash': 'c' }, ownerReferences: [{ kind: 'Rollout', name: 'web' }] } });
  assert.deepEqual(out, [
    { kind: 'replicaset-scaled', revision: 'a', role: 'stable', replicas: 2, scaleDownAtMs: 35_000, ready: 2, atMs: 5000 },
    { kind: 'replicaset-scaled', revision: 'a', role: 'stable', replicas: 0, scaleDownAtMs: 35_000, ready: 2, atMs: 5000 },
    { kind: 'replicaset-scaled', revision: 'b', role: 'canary', replicas: 2, ready: 1, atMs: 5000 },
  ]);
});

test('--promote and --abort-at: auto by default, one-line usage errors for a bad value or another kind', () => {
  assert.deepEqual(readRolloutOptions('rollout', undefined, undefined), { promote: 'auto' });
  assert.deepEqual(readRolloutOptions('rollout', 'manual', '2'), { promote: 'manual', abortAtStep: 2 });
  assert.equal(readRolloutOptions('deployment', undefined, undefined), undefined);
  assert.throws(() => readRolloutOptions('rollout', 'yes', undefined), /--promote: "yes" is neither auto/);
  assert.throws(() => readRolloutOptions('rollout', undefined, '-1'), /--abort-at: "-1" must be a whole number of 0 or more/);
  assert.throws(() => readRolloutOptions('deployment', undefined, '1'), /--abort-at is for an Argo Rollout; name one with --workload rollout\/NAME/);
});
