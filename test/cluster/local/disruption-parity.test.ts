// The embedded runtime's --pdb against the kube sandbox's disruption controller
// (test/kube-api-server/disruption.ts, which follows kubernetes
// pkg/controller/disruption): the same pods, the same rule, the same status.
// The local budget covers every pod of the app (a selector of its labels), so
// the kube one here selects app=demo over a Deployment's ReplicaSets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pdbStatus, type BudgetPod } from '../../../src/cluster/local/disruption-budget.js';
import type { PdbSpec } from '../../../src/cluster/local/settings.js';
import { parsePdb } from '../../../src/cluster/local/workload-settings.js';
import { createDisruption } from '../../kube-api-server/disruption.js';
import { createKubeStore, type KubeObject } from '../../kube-api-server/store.js';

const READY: BudgetPod = { ready: true, terminating: false };
const UNREADY: BudgetPod = { ready: false, terminating: false };
const GOING: BudgetPod = { ready: true, terminating: true };

/** kubeStatus is the sandbox's PDB status over `pods` of Deployment demo (spec.replicas `replicas`) under `spec`. */
function kubeStatus(spec: PdbSpec, replicas: number, pods: readonly BudgetPod[]): Record<string, number> {
  const store = createKubeStore();
  store.put('deployments', { metadata: { name: 'demo', namespace: 'default' }, spec: { replicas } });
  const rs = (name: string): KubeObject => ({ metadata: { name, namespace: 'default', ownerReferences: [{ kind: 'Deployment', name: 'demo', controller: true }] }, spec: { replicas } });
  store.put('replicasets', rs('demo-old'));
  store.put('replicasets', rs('demo-new'));
  pods.forEach((p, i) => {
    store.put('pods', {
      metadata: {
        name: `demo-${i}`,
        namespace: 'default',
        labels: { app: 'demo' },
        ownerReferences: [{ kind: 'ReplicaSet', name: i % 2 ? 'demo-new' : 'demo-old', controller: true }],
        ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] },
    });
  });
  const disruption = createDisruption(store, () => undefined);
  try {
    const pdb = disruption.create({ metadata: { name: 'demo', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'demo' } }, ...spec } });
    const s = pdb.status as Record<string, number>;
    return { disruptionsAllowed: s.disruptionsAllowed ?? -1, currentHealthy: s.currentHealthy ?? -1, desiredHealthy: s.desiredHealthy ?? -1, expectedPods: s.expectedPods ?? -1 };
  } finally {
    disruption.stop();
  }
}

const RULES = ['max-unavailable=1', 'max-unavailable=34%', 'max-unavailable=100%', 'min-available=2', 'min-available=50%', 'min-available=5', 'min-available=0'];
const PODS: Array<[string, BudgetPod[]]> = [
  ['3 ready', [READY, READY, READY]],
  ['2 ready, 1 terminating', [READY, READY, GOING]],
  ['2 ready, 1 not ready yet', [READY, READY, UNREADY]],
  ['a surge: 3 ready and a new one not ready', [READY, READY, READY, UNREADY]],
  ['one gone, not replaced yet', [READY, READY]],
  ['none', []],
];

for (const rule of RULES) {
  test(`--pdb ${rule}: the status the kube disruption controller computes, for every pod set`, () => {
    const spec = parsePdb(rule, '--pdb');
    for (const [name, pods] of PODS) {
      assert.deepEqual({ ...pdbStatus(spec, 3, pods) }, kubeStatus(spec, 3, pods), `${rule}, ${name}`);
    }
  });
}

test('--pdb reads a count or a percentage, as a PDB spec takes them; anything else is one line naming the fix', () => {
  assert.deepEqual(parsePdb('max-unavailable=25%', '--pdb'), { maxUnavailable: '25%' });
  assert.deepEqual(parsePdb('min-available=2', '--pdb'), { minAvailable: 2 });
  assert.throws(() => parsePdb('min-available=150%', '--pdb'), /--pdb: 150% is more than every pod; use a percentage up to 100%/);
  assert.throws(() => parsePdb('max-unavailable=0%', '--pdb'), /max-unavailable=0% forbids every eviction/);
  assert.throws(() => parsePdb('max-unavailable=1.5', '--pdb'), /use max-unavailable=N or min-available=N \(N a count or a percentage\)/);
});
