import type { ClusterEvent } from '../../results/events.js';
import type { KubeApi } from './kube-api.js';
import { explainKubeError, statusCodeOf } from './api-errors.js';
import type { ResourceWatch, WatchedObject } from './resource-watch.js';
import { createResourceWatch, WatchStartError } from './resource-watch.js';
import type { PodTracker } from './pod-tracker.js';
import type { EndpointTracker, EndpointSliceLike } from './endpoint-tracker.js';
import type { WorkloadKind, WorkloadLike } from './workloads/workload-kind.js';
import type { PodLike } from './pod-shape.js';
import { isoTime } from './pod-shape.js';
import type { PdbLike, PdbTracker } from './pdb-tracker.js';
import type { ReplicaSetLike, RolloutReplicaSets } from './workloads/rollout-replicasets.js';
import type { NodeLike, NodeTracker } from './node-tracker.js';

/** KubeWatchesOptions wires the four watches of a run to their trackers. */
export interface KubeWatchesOptions {
  api: KubeApi;
  /** The workload (its kind and name) whose object is watched for the rollout's progress. */
  kind: WorkloadKind;
  name: string;
  podSelector: string;
  service: string;
  pods: PodTracker;
  endpoints: EndpointTracker;
  onWorkload(w: WorkloadLike): void;
  /** pdbs follows the PodDisruptionBudgets of the namespace (a 403 costs only their events). */
  pdbs?: PdbTracker;
  /** replicaSets follows an Argo Rollout's ReplicaSets (the pods' selector; a 403 costs only their events). */
  replicaSets?: RolloutReplicaSets;
  /** nodes follows the cluster's Nodes (cluster-scoped: a 403 costs only the cordons and node readiness). */
  nodes?: NodeTracker;
  nowMs(): number;
  emit(e: ClusterEvent): void;
  backoffMs?: number[];
  /** silenceMs: restart a watch that stays silent (no event, no bookmark) this long. */
  silenceMs?: number;
}

interface EventLike extends WatchedObject {
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: Date | string;
  eventTime?: Date | string;
}

/**
 * startKubeWatches lists and watches the workload, its Pods, the Service's
 * EndpointSlices and pod Events for the whole run. It throws a one-line
 * UsageError if any first list or watch is refused; later breaks only emit
 * watch-lost / watch-resumed.
 */
export async function startKubeWatches(o: KubeWatchesOptions): Promise<ResourceWatch[]> {
  const { api } = o;
  const ns = api.namespace;
  const lost = (resource: string) => (error: string) => o.emit({ kind: 'watch-lost', atMs: o.nowMs(), resource, error });
  const resumed = (resource: string) => (relisted: boolean) => o.emit({ kind: 'watch-resumed', atMs: o.nowMs(), resource, relisted });
  const common = (resource: string) => ({ kc: api.access.kc, resource, onLost: lost(resource), onResumed: resumed(resource), backoffMs: o.backoffMs, silenceMs: o.silenceMs, onUnauthorized: () => api.refreshCredentials() });
  const listOf = async <T>(p: Promise<{ items: unknown[]; metadata?: { resourceVersion?: string } }>) => {
    const r = await p;
    return { items: r.items as T[], resourceVersion: r.metadata?.resourceVersion ?? '' };
  };

  const { kind } = o;
  const workload = createResourceWatch<WorkloadLike>({
    ...common(kind.resource),
    path: kind.collectionPath(api),
    query: { fieldSelector: `metadata.name=${o.name}` },
    list: () => kind.list(api, o.name),
    onSync: (items) => items.forEach((w) => o.onWorkload(w)),
    onEvent: (type, w) => type !== 'DELETED' && o.onWorkload(w),
  });
  const pods = createResourceWatch<PodLike>({
    ...common('pods'),
    path: `/api/v1/namespaces/${ns}/pods`,
    query: { labelSelector: o.podSelector },
    list: () => listOf(api.core.listNamespacedPod({ namespace: ns, labelSelector: o.podSelector }, api.options())),
    onSync: (items) => o.pods.sync(items),
    onEvent: (type, pod) => (type === 'DELETED' ? o.pods.deleted(pod) : o.pods.observe(pod)),
  });
  const sliceSelector = `kubernetes.io/service-name=${o.service}`;
  const slices = createResourceWatch<EndpointSliceLike>({
    ...common('endpointslices'),
    path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
    query: { labelSelector: sliceSelector },
    list: () => listOf(api.disc.listNamespacedEndpointSlice({ namespace: ns, labelSelector: sliceSelector }, api.options())),
    onSync: (items) => o.endpoints.sync(items),
    onEvent: (type, s) => (type === 'DELETED' ? o.endpoints.remove(s) : o.endpoints.upsert(s)),
  });
  const seen = new Map<string, number>();
  let primed = false;
  const onKubeEvent = (e: EventLike): void => {
    const key = e.metadata?.uid ?? e.metadata?.name ?? '';
    const count = e.count ?? 1;
    const before = seen.get(key);
    seen.set(key, count);
    if (!primed || (before !== undefined && before >= count)) return;
    const pod = e.involvedObject?.name ?? '';
    // The kubelet's word on a terminating pod: Killing (per container), a failed preStop hook, a failing probe.
    if (!NOTED_REASONS.has(e.reason ?? '') || !o.pods.knows(pod)) return;
    o.emit({ kind: 'note', atMs: o.nowMs(), message: `${pod}: ${e.reason} (${e.message ?? ''})`, serverTime: isoTime(e.eventTime ?? e.lastTimestamp) });
  };
  const eventSelector = 'involvedObject.kind=Pod';
  const events = createResourceWatch<EventLike>({
    ...common('events'),
    path: `/api/v1/namespaces/${ns}/events`,
    query: { fieldSelector: eventSelector },
    list: () => listOf(api.core.listNamespacedEvent({ namespace: ns, fieldSelector: eventSelector }, api.options())),
    onSync: (items) => {
      items.forEach(onKubeEvent);
      primed = true;
    },
    onEvent: (type, e) => type !== 'DELETED' && onKubeEvent(e),
  });

  const pdbs = o.pdbs ? budgetWatch(o, o.pdbs, common('poddisruptionbudgets')) : null;
  const nodes = o.nodes ? nodeWatch(o, o.nodes, common('nodes')) : null;

  const all: Array<[ResourceWatch, string]> = [
    [workload, kind.resource],
    [pods, 'pods'],
    [slices, 'endpointslices'],
    [events, 'events'],
    ...(pdbs ? [[pdbs, 'poddisruptionbudgets'] as [ResourceWatch, string]] : []),
    ...(o.replicaSets ? [[replicaSetWatch(o, o.replicaSets, common('replicasets')), 'replicasets'] as [ResourceWatch, string]] : []),
    ...(nodes ? [[nodes, 'nodes'] as [ResourceWatch, string]] : []),
  ];
  const results = await Promise.allSettled(all.map(([w]) => w.start()));
  dropForbiddenOptional(o, all, results);
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) {
    for (const [w] of all) w.stop();
    const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
    const verb = reason instanceof WatchStartError ? reason.verb : 'watch';
    const cause = reason instanceof WatchStartError ? reason.cause : reason;
    throw explainKubeError(cause, { verb, resource: all[failed]?.[1] ?? '', namespace: ns, server: api.access.server });
  }
  return all.map(([w]) => w);
}

// budgetWatch lists and watches the namespace's PodDisruptionBudgets into the tracker.
function budgetWatch(o: KubeWatchesOptions, tracker: PdbTracker, common: Pick<Parameters<typeof createResourceWatch>[0], 'kc' | 'resource' | 'onLost' | 'onResumed' | 'backoffMs' | 'silenceMs' | 'onUnauthorized'>): ResourceWatch {
  const { api } = o;
  return createResourceWatch<PdbLike>({
    ...common,
    path: `/apis/policy/v1/namespaces/${api.namespace}/poddisruptionbudgets`,
    list: async () => {
      const r = await api.policy.listNamespacedPodDisruptionBudget({ namespace: api.namespace }, api.options());
      return { items: r.items as PdbLike[], resourceVersion: r.metadata?.resourceVersion ?? '' };
    },
    onSync: (items) => tracker.sync(items),
    onEvent: (type, p) => (type === 'DELETED' ? tracker.remove(p) : tracker.upsert(p)),
  });
}

// replicaSetWatch lists and watches the ReplicaSets of the workload's pods (an Argo Rollout's) into the tracker.
function replicaSetWatch(o: KubeWatchesOptions, tracker: RolloutReplicaSets, common: Pick<Parameters<typeof createResourceWatch>[0], 'kc' | 'resource' | 'onLost' | 'onResumed' | 'backoffMs' | 'silenceMs' | 'onUnauthorized'>): ResourceWatch {
  const { api } = o;
  return createResourceWatch<ReplicaSetLike>({
    ...common,
    path: `/apis/apps/v1/namespaces/${api.namespace}/replicasets`,
    query: { labelSelector: o.podSelector },
    list: async () => {
      const r = await api.apps.listNamespacedReplicaSet({ namespace: api.namespace, labelSelector: o.podSelector }, api.options());
      return { items: r.items as ReplicaSetLike[], resourceVersion: r.metadata?.resourceVersion ?? '' };
    },
    onSync: (items) => tracker.sync(items),
    onEvent: (type, rs) => type !== 'DELETED' && tracker.observe(rs),
  });
}

// nodeWatch lists and watches the cluster's Nodes into the tracker (cordons by anyone, readiness).
function nodeWatch(o: KubeWatchesOptions, tracker: NodeTracker, common: Pick<Parameters<typeof createResourceWatch>[0], 'kc' | 'resource' | 'onLost' | 'onResumed' | 'backoffMs' | 'silenceMs' | 'onUnauthorized'>): ResourceWatch {
  const { api } = o;
  return createResourceWatch<NodeLike>({
    ...common,
    path: '/api/v1/nodes',
    list: async () => {
      const r = await api.core.listNode({}, api.options());
      return { items: r.items as NodeLike[], resourceVersion: r.metadata?.resourceVersion ?? '' };
    },
    onSync: (items, relisted) => tracker.sync(items, relisted),
    onEvent: (type, n) => (type === 'DELETED' ? tracker.remove(n) : tracker.upsert(n)),
  });
}

const OPTIONAL_WATCHES: Record<string, string> = {
  events: 'pod Events are not readable (403 Forbidden on list/watch events): Killing notes are left out; grant list and watch on events to get them',
  poddisruptionbudgets:
    'PodDisruptionBudgets are not readable (403 Forbidden on list/watch poddisruptionbudgets): no pdb-status events, and the run cannot tell whether a budget covers the pods; grant them (manifests/rbac.yaml)',
  replicasets:
    "the Rollout's ReplicaSets are not readable (403 Forbidden on list/watch replicasets): a scale-down is inferred from the old pods' terminations; grant them (manifests/rbac.yaml)",
  nodes:
    'Nodes are not readable (403 Forbidden on list/watch nodes): cordons are not seen, so a drain by someone else shows only as its evictions, not as a drain; grant list and watch on nodes (manifests/rbac-nodes.yaml)',
};

// dropForbiddenOptional: events, budgets and nodes only add notes, pdb-status and cordons, so a Role without list/watch on them costs those, not the run.
function dropForbiddenOptional(o: KubeWatchesOptions, all: Array<[ResourceWatch, string]>, results: Array<PromiseSettledResult<void>>): void {
  for (let i = all.length - 1; i >= 3; i -= 1) {
    const r = results[i];
    const [w, resource] = all[i] as [ResourceWatch, string];
    if (r?.status !== 'rejected' || statusCodeOf(eventCause(r.reason)) !== 403) continue;
    w.stop();
    all.splice(i, 1);
    results.splice(i, 1);
    o.emit({ kind: 'note', atMs: o.nowMs(), message: OPTIONAL_WATCHES[resource] ?? resource });
  }
}

const NOTED_REASONS: ReadonlySet<string> = new Set(['Killing', 'FailedPreStopHook', 'Unhealthy']);

function eventCause(reason: unknown): unknown {
  return reason instanceof WatchStartError ? reason.cause : reason;
}
