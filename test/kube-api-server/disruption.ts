// PodDisruptionBudgets (policy/v1) and pods/eviction, as the API server and the
// disruption controller do them.
// Status (kubernetes pkg/controller/disruption/disruption.go, getExpectedPodCount
// and countHealthyPods): with maxUnavailable, or a percentage minAvailable,
// expectedPods is the owning controllers' scale (spec.replicas) and
// desiredHealthy = expected - maxUnavailable (or ceil(percent of expected));
// with an integer minAvailable, expectedPods is the pods there are and
// desiredHealthy = minAvailable. currentHealthy counts pods Ready and not being
// deleted, less those in status.disruptedPods (evicted, deletion not yet seen);
// disruptionsAllowed = max(0, currentHealthy - desiredHealthy).
// Eviction (pkg/registry/core/pod/storage/eviction.go): a pod not Running-and-alive
// skips the budget; more than one matching PDB is a 500; a budget whose status is
// behind its generation, or that allows 0, answers 429 TooManyRequests "Cannot
// evict pod as it would violate the pod's disruption budget." with the budget's
// numbers as a cause; otherwise disruptionsAllowed is decremented, the pod put in
// disruptedPods, the pod deleted gracefully, and the answer is 201 Success.
// Before that deletion the API server (1.26+, PodDisruptionConditions, GA in
// 1.31) writes the pod condition DisruptionTarget=True, reason
// EvictionByEvictionAPI, message "Eviction API: evicting" (eviction.go
// addConditionAndDeletePod; the type is k8s.io/api core/v1 DisruptionTarget):
// a watcher sees the eviction on the pod itself, whoever asked for it.
// A budget's selector (LabelSelectorAsSelector): every matchLabels pair and
// matchExpressions requirement (In, NotIn, Exists, DoesNotExist); an empty
// selector covers nothing.
import type { KubeObject, KubeStore } from './store.js';

/** Answer is a status code and JSON body to send. */
export interface Answer {
  code: number;
  body: object;
}

/** Disruption keeps every PDB's status current and answers evictions. */
export interface Disruption {
  /** evict answers `POST pods/NAME/eviction` for a stored pod; deletePod terminates it gracefully. */
  evict(pod: KubeObject, body: Record<string, unknown>): Answer;
  /** create stores a new PDB (validated by the caller) with its status computed. */
  create(pdb: KubeObject): KubeObject;
  stop(): void;
}

type Requirement = { key: string; operator: string; values?: string[] };
type Pdb = KubeObject & {
  spec: { selector?: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] }; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: PdbStatus;
};
type PdbStatus = { observedGeneration: number; disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number; expectedPods: number; disruptedPods?: Record<string, string>; conditions: object[] };

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const isReady = (p: KubeObject): boolean => ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** createDisruption runs the disruption controller over `store`; deletePod is the graceful deletion an admitted eviction makes. */
export function createDisruption(store: KubeStore, deletePod: (name: string, graceSeconds: number | undefined) => void): Disruption {
  const podsOf = (pdb: Pdb): KubeObject[] =>
    store.list('pods').filter((p) => (p.metadata.namespace ?? 'default') === (pdb.metadata.namespace ?? 'default') && selects(pdb.spec.selector, p.metadata.labels ?? {}));
  const sync = (pdb: Pdb): void => {
    const before = JSON.stringify(pdb.status ?? null);
    pdb.status = computeStatus(store, pdb, podsOf(pdb));
    if (JSON.stringify(pdb.status) !== before) store.put('poddisruptionbudgets', pdb);
  };
  const syncAll = (): void => {
    for (const p of store.list('poddisruptionbudgets')) sync(p as Pdb);
  };
  const unsubscribe = store.subscribe((c) => {
    if (c.resource === 'pods' || (c.resource === 'poddisruptionbudgets' && c.type !== 'DELETED' && !(c.object as Pdb).status)) queueMicrotask(syncAll);
  });
  return {
    create(pdb) {
      const meta = pdb.metadata as KubeObject['metadata'] & { generation?: number; creationTimestamp?: string };
      meta.generation = 1;
      meta.creationTimestamp = rfc3339();
      const stored = store.put('poddisruptionbudgets', { ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }) as Pdb;
      sync(stored);
      return store.get('poddisruptionbudgets', stored.metadata.name) ?? stored;
    },
    evict(pod, body) {
      const grace = (body.deleteOptions as { gracePeriodSeconds?: number } | undefined)?.gracePeriodSeconds;
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      const ignoresBudget = pod.metadata.deletionTimestamp !== undefined || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
      const budgets = ignoresBudget ? [] : (store.list('poddisruptionbudgets') as Pdb[]).filter((b) => podsOf(b).some((p) => p.metadata.name === pod.metadata.name));
      if (budgets.length > 1) return { code: 500, body: failure(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.') };
      const budget = budgets[0];
      if (budget) {
        const s = budget.status;
        if (!s || s.observedGeneration < ((budget.metadata as { generation?: number }).generation ?? 1) || s.disruptionsAllowed <= 0) {
          const detail = `The disruption budget ${budget.metadata.name} needs ${s?.desiredHealthy ?? 0} healthy pods and has ${s?.currentHealthy ?? 0} currently`;
          return { code: 429, body: { ...failure(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."), details: { causes: [{ reason: 'DisruptionBudget', message: detail }] } } };
        }
        s.disruptionsAllowed -= 1;
        s.disruptedPods = { ...(s.disruptedPods ?? {}), [pod.metadata.name]: rfc3339() };
        if (s.disruptionsAllowed === 0) s.conditions = [allowedCondition(false)];
        store.put('poddisruptionbudgets', budget);
      }
      markDisruptionTarget(store, pod.metadata.name);
      deletePod(pod.metadata.name, grace);
      return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
    },
    stop: unsubscribe,
  };
}

// selects: the selector as a set of label requirements, each a test on the pod's labels; nothing asked is nothing matched.
function selects(selector: Pdb['spec']['selector'], labels: Record<string, string>): boolean {
  const tests: Array<(l: Record<string, string>) => boolean> = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => (l) => l[k] === v);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const test = { In: (l: Record<string, string>) => key in l && values.includes(l[key] ?? ''), NotIn: (l: Record<string, string>) => !(key in l) || !values.includes(l[key] ?? ''), Exists: (l: Record<string, string>) => key in l, DoesNotExist: (l: Record<string, string>) => !(key in l) }[operator];
    tests.push(test ?? (() => false));
  }
  return tests.length > 0 && tests.every((t) => t(labels));
}

// markDisruptionTarget writes the condition an admitted eviction leaves on the pod before its deletion (its transition time: now).
function markDisruptionTarget(store: KubeStore, name: string): void {
  const pod = store.get('pods', name);
  if (!pod) return;
  const status = (pod.status ?? {}) as { conditions?: Array<{ type: string }> };
  const others = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  const condition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
  store.put('pods', { ...pod, status: { ...status, conditions: [...others, condition] } });
}

function computeStatus(store: KubeStore, pdb: Pdb, pods: KubeObject[]): PdbStatus {
  const previous = pdb.status?.disruptedPods ?? {};
  // An evicted pod stays counted as disrupted until its deletion shows (or two minutes pass, as the controller's DeletionTimeout).
  const disrupted = Object.fromEntries(
    Object.entries(previous).filter(([name, at]) => {
      const p = pods.find((x) => x.metadata.name === name);
      return p !== undefined && !p.metadata.deletionTimestamp && Date.now() - Date.parse(at) < 120_000;
    }),
  );
  const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isReady(p) && !(p.metadata.name in disrupted)).length;
  const { expected, desired } = expectations(store, pdb, pods);
  const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
  return {
    observedGeneration: (pdb.metadata as { generation?: number }).generation ?? 1,
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
    conditions: [allowedCondition(allowed > 0, pdb.status?.conditions)],
  };
}

// expectations: expectedPods and desiredHealthy, as getExpectedPodCount reads minAvailable / maxUnavailable.
function expectations(store: KubeStore, pdb: Pdb, pods: KubeObject[]): { expected: number; desired: number } {
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
  const expected = controllerScale(store, pods);
  if (maxUnavailable !== undefined) return { expected, desired: Math.max(0, expected - scaled(maxUnavailable, expected)) };
  if (minAvailable !== undefined) return { expected, desired: scaled(minAvailable, expected) };
  return { expected, desired: expected };
}

// controllerScale sums spec.replicas of the controllers owning the pods (a ReplicaSet's Deployment, a StatefulSet; a DaemonSet's desired pods).
// A ReplicaSet that no Deployment owns counts its own replicas, as the disruption controller's getPodReplicaSet
// does: so an Argo Rollout's stable and canary ReplicaSets each count theirs (the controller does not read the Rollout).
function controllerScale(store: KubeStore, pods: KubeObject[]): number {
  const owners = new Map<string, number>();
  for (const p of pods) {
    const ref = (p.metadata.ownerReferences as Array<{ kind: string; name: string; controller?: boolean }> | undefined)?.find((r) => r.controller);
    if (!ref) continue;
    let key = `${ref.kind}/${ref.name}`;
    let owner = store.get(ref.kind === 'ReplicaSet' ? 'replicasets' : ref.kind === 'StatefulSet' ? 'statefulsets' : 'daemonsets', ref.name);
    if (ref.kind === 'ReplicaSet' && owner) {
      const deploy = (owner.metadata.ownerReferences as Array<{ kind: string; name: string }> | undefined)?.find((r) => r.kind === 'Deployment');
      if (deploy) [key, owner] = [`Deployment/${deploy.name}`, store.get('deployments', deploy.name)];
    }
    if (owners.has(key) || !owner) continue;
    const replicas = ref.kind === 'DaemonSet' ? (owner.status as { desiredNumberScheduled?: number } | undefined)?.desiredNumberScheduled : (owner.spec as { replicas?: number } | undefined)?.replicas;
    owners.set(key, replicas ?? 1);
  }
  return [...owners.values()].reduce((a, b) => a + b, 0);
}

// scaled resolves an int-or-percent against a total, rounding a percentage up (intstr.GetScaledValueFromIntOrPercent with roundUp).
function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v) || 0;
}

function allowedCondition(allowed: boolean, previous?: object[]): object {
  const status = allowed ? 'True' : 'False';
  const before = (previous as Array<{ type: string; status: string; lastTransitionTime: string }> | undefined)?.find((c) => c.type === 'DisruptionAllowed');
  return {
    type: 'DisruptionAllowed',
    status,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: 1,
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : rfc3339(),
  };
}

function failure(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
