// The sandbox's disruption controller and pods/eviction, without processes:
// budgets selected by matchExpressions as by matchLabels, and an admitted
// eviction leaving the DisruptionTarget condition on the pod before its deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pod } from 'kubernetes-models/v1/Pod';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { createKubeStore, type KubeObject } from './store.js';
import { createKubeModel } from './kube-model.js';
import { createFakeController } from './fake-controller.js';
import { createDisruption } from './disruption.js';

type Status = { disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number; expectedPods: number };

function world(t: { after(fn: () => unknown): void }) {
  const store = createKubeStore();
  createFakeController(createKubeModel({ store }), { exitCode: 0 }).seed();
  const deleted: Array<{ name: string; pod: KubeObject | undefined }> = [];
  // The graceful deletion an admitted eviction asks for: what the pod looked like at that moment is kept.
  const disruption = createDisruption(store, (name) => void deleted.push({ name, pod: structuredClone(store.get('pods', name)) }));
  t.after(() => disruption.stop());
  const budget = (name: string, selector: object, maxUnavailable = 1): Status => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector, maxUnavailable } };
    new PodDisruptionBudget(pdb as never).validate();
    return (disruption.create(pdb as KubeObject).status ?? {}) as Status;
  };
  return { store, disruption, deleted, budget, pods: () => store.list('pods') };
}

test('a budget selects pods by matchExpressions (In, NotIn, Exists, DoesNotExist) as by matchLabels; an empty selector covers none', (t) => {
  const w = world(t);
  const covering = (selector: object): number => w.budget(`b${Math.random().toString(36).slice(2, 8)}`, selector).expectedPods;
  assert.equal(covering({ matchLabels: { app: 'demo' } }), 2);
  assert.equal(covering({ matchExpressions: [{ key: 'app', operator: 'In', values: ['demo', 'other'] }] }), 2);
  assert.equal(covering({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['demo'] }] }), 0);
  assert.equal(covering({ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: ['yes'] }] }), 2);
  assert.equal(covering({ matchExpressions: [{ key: 'pod-template-hash', operator: 'Exists' }] }), 2);
  assert.equal(covering({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }), 0);
  assert.equal(covering({ matchLabels: { app: 'demo' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['x'] }] }), 0);
  assert.equal(covering({}), 0);
});

test('an eviction under a matchExpressions budget: the first admitted with DisruptionTarget written before the deletion, the second refused 429', (t) => {
  const w = world(t);
  const status = w.budget('demo', { matchExpressions: [{ key: 'app', operator: 'In', values: ['demo'] }] });
  assert.deepEqual([status.expectedPods, status.currentHealthy, status.desiredHealthy, status.disruptionsAllowed], [2, 2, 1, 1]);
  const [first, second] = w.pods();
  assert.ok(first && second);
  const admitted = w.disruption.evict(first, {});
  assert.equal(admitted.code, 201);
  assert.equal(w.deleted[0]?.name, first.metadata.name);
  const marked = w.deleted[0]?.pod;
  assert.ok(marked);
  new Pod(marked as never).validate();
  const condition = ((marked.status as { conditions?: Array<Record<string, unknown>> }).conditions ?? []).find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual({ ...condition, lastTransitionTime: typeof condition?.lastTransitionTime }, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: 'string' });
  const refused = w.disruption.evict(second, {});
  assert.equal(refused.code, 429);
  assert.match(JSON.stringify(refused.body), /Cannot evict pod as it would violate the pod's disruption budget\..*The disruption budget demo needs 1 healthy pods and has \d currently/);
  assert.equal(w.deleted.length, 1);
});
