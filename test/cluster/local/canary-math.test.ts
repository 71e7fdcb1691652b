import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCanaryCounts, weightedCanaryCounts } from '../../../src/cluster/local/canary-math.js';
import { parseCanarySteps } from '../../../src/cluster/local/progressive-strategy.js';
import { readStrategy } from '../../../src/cli/strategy-flags.js';

// Cases worked by hand from the rule of approximateWeightedCanaryStableReplicaCounts (argo-rollouts utils/replicaset/canary.go).
test('weightedCanaryCounts approximates a weight by replica counts as Argo Rollouts does', () => {
  const cases: Array<[number, number, number, [number, number]]> = [
    [10, 5, 1, [1, 10]], // 5 % of 10 never rounds the canary to 0; with surge 1/11 is nearer than 1/10
    [1, 5, 1, [1, 1]],
    [3, 50, 1, [2, 2]], // a tie (1.5) takes the larger canary
    [4, 25, 0, [1, 3]],
    [3, 34, 0, [1, 2]],
    [3, 67, 0, [2, 1]],
    [3, 100, 1, [3, 0]],
    [3, 0, 1, [0, 3]],
  ];
  for (const [replicas, weight, surge, [canary, stable]] of cases) {
    assert.deepEqual(weightedCanaryCounts(replicas, weight, surge), { canary, stable }, `${replicas} replicas, ${weight}%, surge ${surge}`);
  }
});

test('planCanaryCounts: the canary grows within surge; the stable shrinks only as far as availability allows', () => {
  const limits = { surge: 1, unavailable: 0 };
  // Start of a 50 % step on 2 replicas: one canary pod (surge), the stable stays at 2 until it is available.
  assert.deepEqual(planCanaryCounts(2, { canary: 1, stable: 1 }, { pods: 0, available: 0 }, { pods: 2, available: 2 }, limits), { canary: 1, stable: 2 });
  assert.deepEqual(planCanaryCounts(2, { canary: 1, stable: 1 }, { pods: 1, available: 0 }, { pods: 2, available: 2 }, limits), { canary: 1, stable: 2 });
  assert.deepEqual(planCanaryCounts(2, { canary: 1, stable: 1 }, { pods: 1, available: 1 }, { pods: 2, available: 2 }, limits), { canary: 1, stable: 1 });
  // An abort: the stable set scales back up first, then the canary goes.
  assert.deepEqual(planCanaryCounts(2, { canary: 0, stable: 2 }, { pods: 1, available: 1 }, { pods: 1, available: 1 }, limits), { canary: 1, stable: 2 });
  assert.deepEqual(planCanaryCounts(2, { canary: 0, stable: 2 }, { pods: 1, available: 1 }, { pods: 2, available: 2 }, limits), { canary: 0, stable: 2 });
});

test('the steps and strategy flags: weights and pauses, one-line errors naming the fix', () => {
  assert.deepEqual(parseCanarySteps('25%, pause 5s,setWeight 50,pause'), [
    { kind: 'weight', percent: 25 },
    { kind: 'pause', ms: 5000 },
    { kind: 'weight', percent: 50 },
    { kind: 'pause', ms: null },
  ]);
  assert.throws(() => parseCanarySteps('25%,half'), /"half" is neither a weight \(0-100%\) nor a pause; use e\.g\./);
  assert.throws(() => parseCanarySteps('120%'), /neither a weight/);
  assert.equal(readStrategy({ strategy: 'rolling' }), undefined);
  assert.deepEqual(readStrategy({ strategy: 'blue-green' }), { kind: 'blue-green', scaleDownDelayMs: 30_000 });
  assert.deepEqual(readStrategy({ strategy: 'blue-green', scaleDownDelay: '0s' }), { kind: 'blue-green', scaleDownDelayMs: 0 });
  assert.throws(() => readStrategy({ strategy: 'rolling', steps: '25%' }), /--steps needs --strategy canary or blue-green/);
  assert.throws(() => readStrategy({ strategy: 'canary', scaleDownDelay: '5s' }), /--scale-down-delay is for --strategy blue-green/);
  assert.throws(() => readStrategy({ strategy: 'canary', steps: '25%,50%', abortAt: '2' }), /the canary has steps 0-1/);
  assert.throws(() => readStrategy({ strategy: 'blue-green', abortAt: '3' }), /blue-green aborts at 1 \(before the switch\) or 2/);
});
