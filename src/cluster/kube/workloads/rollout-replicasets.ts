import type { ClusterEvent } from '../../../results/events.js';
import type { WatchedObject } from '../resource-watch.js';

/** SCALE_DOWN_DEADLINE is the annotation Argo Rollouts puts on a ReplicaSet it scales down later (v1alpha1.DefaultReplicaSetScaleDownDeadlineAnnotationKey). */
export const SCALE_DOWN_DEADLINE = 'scale-down-deadline';

/** ReplicaSetLike is an apps/v1 ReplicaSet as far as a Rollout's watch reads it. */
export interface ReplicaSetLike extends WatchedObject {
  metadata?: WatchedObject['metadata'] & {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string }>;
  };
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number };
}

/** RolloutReplicaSetsOptions: the Rollout's name, its hashes now (status.stableRS, currentPodHash), the clocks and the sink. */
export interface RolloutReplicaSetsOptions {
  rollout: string;
  hashes(): { stable?: string; current?: string };
  nowMs(): number;
  /** wallMs is the wall clock, to place the scale-down deadline (an RFC 3339 time) on the run clock. */
  wallMs?(): number;
  emit(e: ClusterEvent): void;
}

/** RolloutReplicaSets turns the watch of a Rollout's ReplicaSets into replicaset-scaled events. */
export interface RolloutReplicaSets {
  sync(items: ReplicaSetLike[]): void;
  observe(rs: ReplicaSetLike): void;
}

/**
 * createRolloutReplicaSets follows the ReplicaSets a Rollout owns, each by its
 * rollouts-pod-template-hash: a change of the desired count (spec.replicas, the
 * controller's decision, e.g. blue-green's scale-down of the old set), of the
 * ready count, or a new scale-down-deadline annotation (rollout/replicaset.go
 * addScaleDownDelay) is a replicaset-scaled event, so a scale-down is an
 * observed fact rather than inferred from the pods' terminations. The first
 * sight of each set only records it.
 */
export function createRolloutReplicaSets(o: RolloutReplicaSetsOptions): RolloutReplicaSets {
  const last = new Map<string, string>();
  const wallMs = o.wallMs ?? Date.now;
  const read = (rs: ReplicaSetLike) => {
    const owned = (rs.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Rollout' && r.name === o.rollout);
    const hash = rs.metadata?.labels?.['rollouts-pod-template-hash'];
    if (!owned || !hash) return undefined;
    const deadline = rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE];
    return { hash, replicas: rs.spec?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0, deadline };
  };
  const observe = (rs: ReplicaSetLike, quiet: boolean): void => {
    const r = read(rs);
    if (!r) return;
    const key = JSON.stringify([r.replicas, r.ready, r.deadline]);
    const before = last.get(r.hash);
    last.set(r.hash, key);
    if (quiet || before === key) return;
    const atMs = o.nowMs();
    const due = r.deadline === undefined ? NaN : Date.parse(r.deadline);
    const scaleDownAtMs = Number.isNaN(due) ? undefined : atMs + (due - wallMs());
    // The set a rollout in progress moves to is the canary; every other one is the stable (old) set.
    const { stable, current } = o.hashes();
    const role = current !== undefined && current !== stable && r.hash === current ? 'canary' : 'stable';
    o.emit({ kind: 'replicaset-scaled', revision: r.hash, role, replicas: r.replicas, ...(scaleDownAtMs === undefined ? {} : { scaleDownAtMs }), ready: r.ready, atMs });
  };
  return {
    sync(items) {
      // After a relist the sets are recorded again; a change while the watch was down shows as one event.
      for (const rs of items) observe(rs, !last.has(read(rs)?.hash ?? ''));
    },
    observe: (rs) => observe(rs, false),
  };
}
