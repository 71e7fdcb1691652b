import type { PdbSpec, PdbValue } from './settings.js';

/** PdbStatus is a PodDisruptionBudget's status as the disruption controller computes it. */
export interface PdbStatus {
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

/** BudgetPod is what the disruption controller reads of one pod. */
export interface BudgetPod {
  ready: boolean;
  /** terminating: being deleted (deletionTimestamp set), so neither healthy nor evictable again. */
  terminating: boolean;
}

/**
 * pdbStatus computes a PodDisruptionBudget's status the way the disruption
 * controller does (kubernetes pkg/controller/disruption/disruption.go:
 * `getExpectedPodCount`, `countHealthyPods`, `updatePdbStatus`): with
 * maxUnavailable, or a percentage minAvailable, expectedPods is the owning
 * controller's scale (`scale`; 0 with no pod to find it from) and a percentage is of it, rounded up; with an
 * integer minAvailable, expectedPods is the pods there are (`pods`: every pod
 * the budget covers, terminating ones included). A pod is healthy when it is
 * ready and not being deleted; desiredHealthy is minAvailable, or expectedPods
 * - maxUnavailable; disruptionsAllowed is what healthy pods exceed it by, never
 * below 0, and 0 when no pod is expected.
 */
export function pdbStatus(spec: PdbSpec, scale: number, pods: readonly BudgetPod[]): PdbStatus {
  const currentHealthy = pods.filter((p) => p.ready && !p.terminating).length;
  // The scale is the pods' owning controller's: with no pod, none is found.
  if (pods.length === 0) scale = 0;
  const { expectedPods, desiredHealthy } =
    'maxUnavailable' in spec
      ? { expectedPods: scale, desiredHealthy: Math.max(0, scale - scaledUp(spec.maxUnavailable, scale)) }
      : typeof spec.minAvailable === 'number'
        ? { expectedPods: pods.length, desiredHealthy: spec.minAvailable }
        : { expectedPods: scale, desiredHealthy: scaledUp(spec.minAvailable, scale) };
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  return { disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods };
}

/** scaledUp resolves an int-or-percent against a total, a percentage rounded up (intstr.GetScaledValueFromIntOrPercent, roundUp true). */
function scaledUp(v: PdbValue, total: number): number {
  return typeof v === 'number' ? v : Math.ceil((Number(v.slice(0, -1)) * total) / 100);
}

/** EVICTION_REFUSED_REASON is the Eviction API's 429 message when a budget allows no disruption. */
export const EVICTION_REFUSED_REASON = "Cannot evict pod as it would violate the pod's disruption budget.";
