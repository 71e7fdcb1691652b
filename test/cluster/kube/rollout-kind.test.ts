// The Argo Rollout kind read from its status alone, table-driven: when a
// rollout is done (as `kubectl argo rollouts status` says) and which status
// changes are steps on the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutState, rolloutStepEvents, type RolloutLike } from '../../../src/cluster/kube/workloads/rollout.js';
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
  const [step] = rolloutStepEvents(before, after, 1234);
  assert.deepEqual(step, { kind: 'rollout-step', strategy: 'canary', index: 2, step: 'setWeight 50%', action: 'set-weight', weight: 50, canaryRevision: 'b', stableRevision: 'a', atMs: 1234 });
  assert.deepEqual(rolloutStepEvents(after, after, 2000), [], 'no change, no step');
  const preview = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'a', previewSelector: 'b' } }, BG);
  const switched = ro({ currentPodHash: 'b', stableRS: 'a', blueGreen: { activeSelector: 'b', previewSelector: 'b' } }, BG);
  assert.deepEqual(rolloutStepEvents(null, preview, 1).map((e) => e.kind === 'rollout-step' && e.action), ['preview']);
  assert.deepEqual(rolloutStepEvents(preview, switched, 2).map((e) => e.kind === 'rollout-step' && e.action), ['switch']);
  // Settled (the stable set is the current one): nothing is a step.
  assert.deepEqual(rolloutStepEvents(switched, ro({ currentPodHash: 'b', stableRS: 'b', blueGreen: { activeSelector: 'b' } }, BG), 3), []);
});

test('--workload takes rollout/NAME, kubectl\'s short name and its group-qualified form', () => {
  for (const text of ['rollout/demo', 'ro/demo', 'rollouts/demo', 'rollout.argoproj.io/demo']) assert.deepEqual(parseWorkloadRef(text), { kind: 'rollout', name: 'demo' });
});
