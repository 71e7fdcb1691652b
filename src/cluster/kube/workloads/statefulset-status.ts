import type { RolloutCounts } from '../../../results/events.js';
import type { RolloutState, WorkloadLike } from './workload-kind.js';
import { notRollingUpdate } from './apps-kind.js';

/** StatefulSetLike is the part of a StatefulSet that rollout status reads (typed or raw JSON). */
export interface StatefulSetLike extends WorkloadLike {
  spec?: WorkloadLike['spec'] & {
    podManagementPolicy?: string;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/**
 * statefulSetState decides a StatefulSet's rollout as kubectl's
 * StatefulSetStatusViewer does (kubernetes/kubectl
 * pkg/polymorphichelpers/rollout_status.go): only RollingUpdate has a status;
 * the controller must have observed the generation; wait until every replica
 * is ready; with a partition, done once the ordinals at or above it are
 * updated; otherwise done when the update revision became the current one.
 */
export function statefulSetState(s: StatefulSetLike): RolloutState {
  const refused = notRollingUpdate('statefulset', s);
  if (refused) return refused;
  const observed = s.status?.observedGeneration ?? 0;
  if (observed === 0 || (s.metadata?.generation ?? 0) > observed) return { state: 'waiting', message: 'waiting for statefulset spec update to be observed' };
  const wanted = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  if (ready < wanted) return { state: 'waiting', message: `waiting for ${wanted - ready} pods to be ready` };
  const partition = s.spec?.updateStrategy?.rollingUpdate?.partition;
  if (partition !== undefined) {
    const updated = s.status?.updatedReplicas ?? 0;
    if (updated < wanted - partition) return { state: 'waiting', message: `waiting for partitioned roll out to finish: ${updated} out of ${wanted - partition} new pods have been updated` };
    return { state: 'complete', message: `partitioned roll out complete: ${updated} new pods have been updated` };
  }
  if (s.status?.updateRevision !== s.status?.currentRevision) {
    return { state: 'waiting', message: `waiting for statefulset rolling update to complete ${s.status?.updatedReplicas ?? 0} pods at revision ${s.status?.updateRevision ?? ''}` };
  }
  return { state: 'complete', message: `statefulset rolling update complete ${s.status?.currentReplicas ?? 0} pods at revision ${s.status?.currentRevision ?? ''}` };
}

/** statefulSetCounts reads the replica counts of a StatefulSet's status (available: availableReplicas, ready where absent). */
export function statefulSetCounts(s: StatefulSetLike): RolloutCounts {
  const st = s.status ?? {};
  return { replicas: st.replicas ?? 0, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? st.readyReplicas ?? 0 };
}
