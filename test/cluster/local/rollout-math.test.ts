import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRolloutStep, resolveRolloutLimits, type PodView } from '../../../src/cluster/local/rollout-math.js';

test('resolveRolloutLimits rounds surge up and unavailable down, as the Deployment controller does', () => {
  const cases: Array<[number, number, number, { surge: number; unavailable: number }]> = [
    [3, 25, 25, { surge: 1, unavailable: 0 }],
    [4, 25, 25, { surge: 1, unavailable: 1 }],
    [10, 25, 25, { surge: 3, unavailable: 2 }],
    [2, 50, 50, { surge: 1, unavailable: 1 }],
    [1, 25, 25, { surge: 1, unavailable: 0 }],
    // both round to 0: Kubernetes allows one unavailable pod rather than stall
    [3, 0, 25, { surge: 0, unavailable: 1 }],
  ];
  for (const [replicas, s, u, want] of cases) {
    assert.deepEqual(resolveRolloutLimits(replicas, { percent: s }, { percent: u }), want, `${replicas} ${s}% ${u}%`);
  }
  assert.deepEqual(resolveRolloutLimits(3, { count: 2 }, { count: 0 }), { surge: 2, unavailable: 0 });
});

/** simulate rolls `replicas` pods from revision a to b; pods become ready one at a time, oldest first. */
function simulate(replicas: number, surge: number, unavailable: number): { steps: number; minAvailable: number; maxTotal: number } {
  let seq = 0;
  let pods: PodView[] = Array.from({ length: replicas }, () => ({ name: `a${++seq}`, revision: 'a', ready: true, available: true, seq }));
  let minAvailable = replicas;
  let maxTotal = replicas;
  for (let steps = 1; steps < 100; steps += 1) {
    const step = planRolloutStep(pods, 'b', replicas, { surge, unavailable });
    pods = pods.filter((p) => !step.terminate.includes(p.name));
    for (let i = 0; i < step.create; i += 1) pods.push({ name: `b${++seq}`, revision: 'b', ready: false, available: false, seq });
    minAvailable = Math.min(minAvailable, pods.filter((p) => p.available).length);
    maxTotal = Math.max(maxTotal, pods.length);
    if (pods.length === replicas && pods.every((p) => p.revision === 'b' && p.available)) return { steps, minAvailable, maxTotal };
    const waiting = pods.find((p) => !p.ready);
    if (waiting) waiting.ready = waiting.available = true;
  }
  throw new Error(`rollout of ${replicas} (surge ${surge}, unavailable ${unavailable}) never completed`);
}

test('planRolloutStep completes every rollout within maxSurge and maxUnavailable', () => {
  for (const replicas of [1, 2, 3, 5, 10]) {
    for (const surge of [0, 1, 2, 3]) {
      for (const unavailable of [0, 1, 2]) {
        if (surge === 0 && unavailable === 0) continue;
        const r = simulate(replicas, surge, Math.min(unavailable, replicas));
        const label = `replicas ${replicas} surge ${surge} unavailable ${unavailable}`;
        assert.ok(r.minAvailable >= replicas - unavailable, `${label}: only ${r.minAvailable} available`);
        assert.ok(r.maxTotal <= replicas + surge, `${label}: ${r.maxTotal} pods at once`);
      }
    }
  }
});

test('planRolloutStep removes not-ready old pods first and never touches available ones without spare', () => {
  const pods: PodView[] = [
    { name: 'old-ready', revision: 'a', ready: true, available: true, seq: 1 },
    { name: 'old-broken', revision: 'a', ready: false, available: false, seq: 2 },
    { name: 'new', revision: 'b', ready: false, available: false, seq: 3 },
  ];
  const step = planRolloutStep(pods, 'b', 2, { surge: 1, unavailable: 1 });
  assert.deepEqual(step, { create: 0, terminate: ['old-broken'] });
});

test('planRolloutStep scales one revision up and down (not-ready first, then newest)', () => {
  const pods: PodView[] = [
    { name: 'p1', revision: 'a', ready: true, available: true, seq: 1 },
    { name: 'p2', revision: 'a', ready: true, available: true, seq: 2 },
    { name: 'p3', revision: 'a', ready: false, available: false, seq: 3 },
    { name: 'p4', revision: 'a', ready: true, available: true, seq: 4 },
  ];
  assert.deepEqual(planRolloutStep(pods, 'a', 2, { surge: 1, unavailable: 0 }), { create: 0, terminate: ['p3', 'p4'] });
  assert.deepEqual(planRolloutStep(pods, 'a', 6, { surge: 1, unavailable: 0 }), { create: 2, terminate: [] });
});
