import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodePool } from '../../../src/cluster/local/node-pool.js';
import { planDaemonStep, type DaemonPodView } from '../../../src/cluster/local/daemonset-math.js';
import { pdbStatus } from '../../../src/cluster/local/disruption-budget.js';
import { parsePdb, readWorkloadSettings } from '../../../src/cluster/local/workload-settings.js';
import { parseCountOrPercent } from '../../../src/parse.js';
import { isUsageError } from '../../../src/errors.js';

test('node pool: the emptiest schedulable node first, lowest name on a tie; a cordoned node gets nothing', () => {
  const pool = createNodePool(3);
  assert.deepEqual(pool.names, ['node-1', 'node-2', 'node-3']);
  assert.equal(pool.place([]), 'node-1');
  assert.equal(pool.place(['node-1']), 'node-2');
  assert.equal(pool.place(['node-1', 'node-2', 'node-3', 'node-2']), 'node-1');
  assert.equal(pool.cordon('node-1'), true);
  assert.equal(pool.cordon('node-1'), false, 'a second cordon changes nothing');
  assert.equal(pool.place([]), 'node-2');
  pool.cordon('node-2');
  pool.cordon('node-3');
  assert.equal(pool.place([]), null, 'every node cordoned: the pod stays pending');
  assert.equal(pool.uncordon('node-3'), true);
  assert.equal(pool.place(['node-3']), 'node-3');
});

const pod = (name: string, node: string, revision: string, extra: Partial<DaemonPodView> = {}): DaemonPodView => ({
  name,
  node,
  revision,
  available: true,
  terminating: false,
  seq: 0,
  ...extra,
});
const NODES = ['node-1', 'node-2', 'node-3'];

const daemonCases: Array<{ name: string; pods: DaemonPodView[]; surge: number; unavailable: number; create: string[]; terminate: string[] }> = [
  { name: 'start: one pod per node', pods: [], surge: 0, unavailable: 1, create: NODES, terminate: [] },
  { name: 'no surge, maxUnavailable 1: one old pod goes, nothing created yet', pods: [pod('a', 'node-1', 'r1'), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 1, create: [], terminate: ['a'] },
  { name: 'no surge: the node waits for its old pod to be gone', pods: [pod('a', 'node-1', 'r1', { terminating: true, available: false }), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 1, create: [], terminate: [] },
  { name: 'no surge: the old pod gone, its replacement comes', pods: [pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 1, create: ['node-1'], terminate: [] },
  { name: 'no surge: a new pod not yet available holds the next one back', pods: [pod('n', 'node-1', 'r2', { available: false }), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 1, create: [], terminate: [] },
  { name: 'no surge, maxUnavailable 2: two at once', pods: [pod('a', 'node-1', 'r1'), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 2, create: [], terminate: ['a', 'b'] },
  { name: 'an unavailable old pod costs nothing', pods: [pod('a', 'node-1', 'r1', { available: false }), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 0, unavailable: 1, create: [], terminate: ['a'] },
  { name: 'surge 1: the new pod first, on one node', pods: [pod('a', 'node-1', 'r1'), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 1, unavailable: 0, create: ['node-1'], terminate: [] },
  { name: 'surge 1: the old pod goes once the new one is available (the next node surges at the next reconcile)', pods: [pod('a', 'node-1', 'r1'), pod('n', 'node-1', 'r2'), pod('b', 'node-2', 'r1'), pod('c', 'node-3', 'r1')], surge: 1, unavailable: 0, create: [], terminate: ['a'] },
];

for (const c of daemonCases) {
  test(`DaemonSet controller: ${c.name}`, () => {
    const step = planDaemonStep(NODES, c.pods, 'r2', { surge: c.surge, unavailable: c.unavailable });
    assert.deepEqual(step, { create: c.create, terminate: c.terminate });
  });
}

test('PDB status as the disruption controller computes it: healthy = ready and not being deleted', () => {
  const ready = { ready: true, terminating: false };
  assert.deepEqual(pdbStatus({ maxUnavailable: 1 }, 3, [ready, ready, ready]), { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
  assert.equal(pdbStatus({ maxUnavailable: 1 }, 3, [ready, ready, { ready: false, terminating: true }]).disruptionsAllowed, 0);
  assert.equal(pdbStatus({ maxUnavailable: 1 }, 3, [ready, ready, { ready: false, terminating: false }]).disruptionsAllowed, 0, 'a pod not yet ready is not healthy');
  assert.deepEqual(pdbStatus({ minAvailable: 2 }, 3, [ready, ready, ready]), { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
  assert.equal(pdbStatus({ minAvailable: 5 }, 3, [ready, ready, ready]).disruptionsAllowed, 0, 'never below 0');
});

test('workload flags: kinds, defaults per kind, and one-line errors', () => {
  const read = (t: Parameters<typeof readWorkloadSettings>[0]): ReturnType<typeof readWorkloadSettings> =>
    readWorkloadSettings(t, (k) => `--${k}`, (text, key) => parseCountOrPercent(text, `--${key}`));
  assert.deepEqual(read({}), { nodes: 1, maxSurge: { percent: 25 }, maxUnavailable: { percent: 25 } });
  assert.deepEqual(read({ workload: 'daemonset', nodes: '3' }), { daemon: true, nodes: 3, maxSurge: { count: 0 }, maxUnavailable: { count: 1 } });
  assert.deepEqual(read({ workload: 'statefulset', partition: '2' }).ordinals, { partition: 2 });
  assert.deepEqual(read({ trafficPolicy: 'local' }).trafficPolicy, { node: 'node-1' });
  assert.deepEqual(read({ trafficPolicy: 'local=node-2' }).trafficPolicy, { node: 'node-2' });
  assert.deepEqual(parsePdb('max-unavailable=1', '--pdb'), { maxUnavailable: 1 });
  assert.deepEqual(parsePdb('min-available=2', '--pdb'), { minAvailable: 2 });
  const bad: Array<[() => unknown, RegExp]> = [
    [() => read({ workload: 'job' }), /--workload: "job" is not a workload kind; use deployment, statefulset, daemonset/],
    [() => read({ partition: '1' }), /--partition: only a StatefulSet has a partition/],
    [() => read({ nodes: '0' }), /--nodes: "0" must be a whole number greater than 0/],
    [() => read({ trafficPolicy: 'cluster' }), /--traffic-policy: "cluster" is not a policy/],
    [() => parsePdb('maxUnavailable: 1', '--pdb'), /--pdb: "maxUnavailable: 1" is not a budget; use max-unavailable=N or min-available=N/],
    [() => parsePdb('max-unavailable=0', '--pdb'), /forbids every eviction/],
  ];
  for (const [fn, message] of bad) {
    assert.throws(fn, (e: unknown) => isUsageError(e) && message.test((e as Error).message) && !(e as Error).message.includes('\n'));
  }
});
