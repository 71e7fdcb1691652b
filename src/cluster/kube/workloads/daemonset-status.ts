import type { RolloutCounts } from '../../../results/events.js';
import type { RolloutState, WorkloadLike } from './workload-kind.js';
import { notRollingUpdate } from './apps-kind.js';

/** DaemonSetLike is the part of a DaemonSet that rollout status reads (typed or raw JSON). */
export interface DaemonSetLike extends WorkloadLike {
  spec?: WorkloadLike['spec'] & {
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
  };
}

/**
 * daemonSetState decides a DaemonSet's rollout as kubectl's
 * DaemonSetStatusViewer does (kubernetes/kubectl
 * pkg/polymorphichelpers/rollout_status.go): only RollingUpdate has a status;
 * the controller must have observed the generation; wait until a pod of the
 * new template is scheduled on every node that should run one, then until
 * each of them is available.
 */
export function daemonSetState(d: DaemonSetLike): RolloutState {
  const name = d.metadata?.name ?? '';
  const refused = notRollingUpdate('daemonset', d);
  if (refused) return refused;
  if ((d.metadata?.generation ?? 0) > (d.status?.observedGeneration ?? 0)) return { state: 'waiting', message: 'waiting for daemon set spec update to be observed' };
  const desired = d.status?.desiredNumberScheduled ?? 0;
  const updated = d.status?.updatedNumberScheduled ?? 0;
  if (updated < desired) return { state: 'waiting', message: `waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated` };
  const available = d.status?.numberAvailable ?? 0;
  if (available < desired) return { state: 'waiting', message: `waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available` };
  return { state: 'complete', message: `daemon set "${name}" successfully rolled out` };
}

/** daemonSetCounts reads a DaemonSet's status as replica counts (one pod per node that should run one). */
export function daemonSetCounts(d: DaemonSetLike): RolloutCounts {
  const s = d.status ?? {};
  return { replicas: s.currentNumberScheduled ?? 0, updated: s.updatedNumberScheduled ?? 0, ready: s.numberReady ?? 0, available: s.numberAvailable ?? 0 };
}
