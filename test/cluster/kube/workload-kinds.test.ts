import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/program.js';
import { parseWorkloadRef, WORKLOAD_KIND_NAMES } from '../../../src/cluster/kube/workload-ref.js';
import { WORKLOAD_KINDS } from '../../../src/cluster/kube/workloads/kinds.js';
import { describeStatefulSet } from '../../../src/cluster/kube/workloads/statefulset.js';
import { statefulSetState, type StatefulSetLike } from '../../../src/cluster/kube/workloads/statefulset-status.js';
import { createTestIo } from '../../helpers.js';
import { describeDaemonSet } from '../../../src/cluster/kube/workloads/daemonset.js';
import { daemonSetState, type DaemonSetLike } from '../../../src/cluster/kube/workloads/daemonset-status.js';

const sts = (o: { generation?: number; observed?: number; replicas?: number; ready?: number; updated?: number; current?: string; update?: string; partition?: number; type?: string } = {}): StatefulSetLike => ({
  metadata: { name: 'db', generation: o.generation ?? 2 },
  spec: { replicas: o.replicas ?? 3, updateStrategy: { type: o.type ?? 'RollingUpdate', ...(o.partition !== undefined ? { rollingUpdate: { partition: o.partition } } : {}) } },
  status: { observedGeneration: o.observed ?? 2, replicas: 3, readyReplicas: o.ready ?? 3, updatedReplicas: o.updated ?? 3, currentReplicas: 3, currentRevision: o.current ?? 'db-r2', updateRevision: o.update ?? 'db-r2' },
});

// As kubectl's StatefulSetStatusViewer (pkg/polymorphichelpers/rollout_status.go) judges each case.
const cases: Array<[string, StatefulSetLike, 'waiting' | 'complete' | 'failed', RegExp]> = [
  ['OnDelete has no rollout status', sts({ type: 'OnDelete' }), 'failed', /only available for RollingUpdate/],
  ['spec update not observed yet', sts({ generation: 3, observed: 2 }), 'waiting', /spec update to be observed/],
  ['never observed', sts({ observed: 0 }), 'waiting', /spec update to be observed/],
  ['a pod not ready (the replaced ordinal)', sts({ ready: 2 }), 'waiting', /waiting for 1 pods to be ready/],
  ['partitioned: ordinals >= 1 not all updated', sts({ partition: 1, updated: 1, current: 'db-r1' }), 'waiting', /1 out of 2 new pods/],
  ['partitioned: done when those are', sts({ partition: 1, updated: 2, current: 'db-r1' }), 'complete', /partitioned roll out complete: 2 new pods/],
  ['revisions differ: still rolling', sts({ current: 'db-r1', update: 'db-r2', updated: 2 }), 'waiting', /rolling update to complete 2 pods at revision db-r2/],
  ['update revision became current', sts(), 'complete', /rolling update complete 3 pods at revision db-r2/],
];

// judgeEach runs one table of cases through a kind's rollout status reader.
function judgeEach<W>(kind: string, table: Array<[string, W, string, RegExp]>, judge: (w: W) => { state: string; message: string }): void {
  for (const [name, w, state, message] of table) {
    test(`${kind} rollout status: ${name} → ${state}`, () => {
      const got = judge(w);
      assert.equal(got.state, state);
      assert.match(got.message, message);
    });
  }
}
judgeEach('statefulset', cases, statefulSetState);

test('a StatefulSet update warns that it has no surge, and says its partition', () => {
  const d = describeStatefulSet(sts({ partition: 1 }));
  assert.equal(d.facts.updateStrategy, 'RollingUpdate');
  assert.equal(d.facts.partition, 1);
  assert.ok(d.warnings.some((w) => /no surge: 2 of 3 pods serve/.test(w)), d.warnings.join('\n'));
});

test('--workload takes KIND/NAME as kubectl spells it', () => {
  assert.deepEqual(parseWorkloadRef('statefulset/db'), { kind: 'statefulset', name: 'db' });
  assert.deepEqual(parseWorkloadRef('sts/db'), { kind: 'statefulset', name: 'db' });
  assert.deepEqual(parseWorkloadRef('deploy/web'), { kind: 'deployment', name: 'web' });
  assert.deepEqual(parseWorkloadRef('statefulsets.apps/db'), { kind: 'statefulset', name: 'db' });
  for (const bad of ['db', 'cronjob/x', 'statefulset/', 'statefulset/DB']) assert.throws(() => parseWorkloadRef(bad), /--workload ".*": name the workload as deployment\/NAME, statefulset\/NAME, daemonset\/NAME/);
});

test('the kinds --workload names are the kinds the driver has', () => {
  assert.deepEqual([...new Set(Object.values(WORKLOAD_KIND_NAMES))].sort(), [...WORKLOAD_KINDS.keys()].sort());
});

test('rollcheck run: neither or both of --workload and --deployment is one line and exit 2', async () => {
  for (const args of [[], ['--workload', 'statefulset/db', '--deployment', 'web'], ['--workload', 'cronjob/x']]) {
    const io = createTestIo();
    assert.equal(await runCli(['run', '--url', 'http://127.0.0.1:1/', ...args], io), 2);
    const err = io.err().trim();
    assert.equal(err.split('\n').length, 1, err);
    assert.match(err, /--workload/);
  }
});

const ds = (o: { generation?: number; observed?: number; desired?: number; updated?: number; available?: number; type?: string; surge?: string } = {}): DaemonSetLike => ({
  metadata: { name: 'agent', generation: o.generation ?? 2 },
  spec: { updateStrategy: { type: o.type ?? 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: o.surge ?? 0 } } },
  status: { observedGeneration: o.observed ?? 2, desiredNumberScheduled: o.desired ?? 3, currentNumberScheduled: 3, updatedNumberScheduled: o.updated ?? 3, numberReady: 3, numberAvailable: o.available ?? 3 },
});

// As kubectl's DaemonSetStatusViewer (pkg/polymorphichelpers/rollout_status.go) judges each case.
const dsCases: Array<[string, DaemonSetLike, 'waiting' | 'complete' | 'failed', RegExp]> = [
  ['OnDelete has no rollout status', ds({ type: 'OnDelete' }), 'failed', /only available for RollingUpdate/],
  ['spec update not observed yet', ds({ generation: 3 }), 'waiting', /daemon set spec update to be observed/],
  ['a node still runs the old pod', ds({ updated: 2 }), 'waiting', /2 out of 3 new pods have been updated/],
  ['an updated pod not available yet', ds({ available: 2 }), 'waiting', /2 of 3 updated pods are available/],
  ['every node runs an available new pod', ds(), 'complete', /daemon set "agent" successfully rolled out/],
];

judgeEach('daemonset', dsCases, daemonSetState);

test('a DaemonSet without maxSurge warns that a node has no pod while it is replaced; with surge it does not', () => {
  assert.ok(describeDaemonSet(ds()).warnings.some((w) => /without maxSurge/.test(w)));
  assert.ok(!describeDaemonSet(ds({ surge: '1' })).warnings.some((w) => /without maxSurge/.test(w)));
  assert.deepEqual(parseWorkloadRef('ds/agent'), { kind: 'daemonset', name: 'agent' });
});
