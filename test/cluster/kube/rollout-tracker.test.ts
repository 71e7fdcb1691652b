import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRolloutTracker } from '../../../src/cluster/kube/rollout-tracker.js';
import type { DeploymentLike } from '../../../src/cluster/kube/workloads/deployment-status.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { deploymentKind } from '../../../src/cluster/kube/workloads/deployment.js';
import { rolloutKind, type RolloutLike } from '../../../src/cluster/kube/workloads/rollout.js';

function deployment(generation: number, done: boolean): DeploymentLike {
  const updated = done ? 2 : 1;
  return {
    metadata: { name: 'web', generation },
    spec: { replicas: 2 },
    status: {
      observedGeneration: generation,
      replicas: done ? 2 : 3,
      updatedReplicas: updated,
      readyReplicas: 2,
      availableReplicas: done ? 2 : 1,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
    },
  } as DeploymentLike;
}

test('a second rollout in the same run is tracked anew, not answered with the first one’s outcome', async () => {
  let now = 0;
  const events: ClusterEvent[] = [];
  const tracker = createRolloutTracker({
    kind: deploymentKind,
    nowMs: () => now,
    emit: (e) => events.push(e),
    terminating: () => ({ count: 0, maxGraceMs: 0 }),
  });
  tracker.seen(deployment(1, true));
  tracker.begin(2);
  tracker.seen(deployment(2, false));
  now = 100;
  tracker.seen(deployment(2, true));
  assert.equal((await tracker.wait(1000)).status, 'complete');

  tracker.begin(3);
  let second: string | null = null;
  const waiting = tracker.wait(5000).then((r) => (second = r.status));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(second, null, 'the second rollout has not completed yet');
  now = 200;
  tracker.seen(deployment(3, false));
  tracker.seen(deployment(3, true));
  await waiting;
  assert.equal(second, 'complete');
  assert.equal(events.filter((e) => e.kind === 'rollout-complete').length, 2);
  tracker.stop();
});

test('a Rollout whose first steps the watch showed before the trigger\'s answer: those steps are events at the moments they were seen', () => {
  let now = 0;
  const events: ClusterEvent[] = [];
  const tracker = createRolloutTracker({ kind: rolloutKind, nowMs: () => now, emit: (e) => events.push(e), terminating: () => ({ count: 0, maxGraceMs: 0 }) });
  const steps = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }];
  const ro = (generation: number, status: RolloutLike['status']): RolloutLike => ({ metadata: { name: 'demo', generation }, spec: { replicas: 4, strategy: { canary: { steps } } }, status });
  tracker.seen(ro(1, { phase: 'Healthy', currentPodHash: 'a', stableRS: 'a', currentStepIndex: 3 }));
  now = 100;
  tracker.seen(ro(2, { phase: 'Progressing', currentPodHash: 'b', stableRS: 'a', currentStepIndex: 0 }));
  now = 150;
  tracker.seen(ro(2, { phase: 'Paused', currentPodHash: 'b', stableRS: 'a', currentStepIndex: 1 }));
  now = 180;
  tracker.begin(2);
  now = 5000;
  tracker.seen(ro(2, { phase: 'Progressing', currentPodHash: 'b', stableRS: 'a', currentStepIndex: 2 }));
  const seen = events.flatMap((e) => (e.kind === 'rollout-step' ? [[e.index, e.action, e.atMs, e.seenLate ?? false]] : []));
  assert.deepEqual(seen, [[0, 'set-weight', 100, false], [1, 'pause', 150, false], [2, 'set-weight', 5000, false]]);
  tracker.stop();
});
