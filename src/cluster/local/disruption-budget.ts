import type { PdbSpec } from './settings.js';

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
 * `getExpectedPodCount`, `countHealthyPods`, `updatePdbStatus`): expectedPods is
 * the owning controller's scale; a pod is healthy when it is ready and not being
 * deleted; desiredHealthy is minAvailable, or expectedPods - maxUnavailable;
 * disruptionsAllowed is what healthy pods exceed it by, never below 0.
 */
export function pdbStatus(spec: PdbSpec, expectedPods: number, pods: readonly BudgetPod[]): PdbStatus {
  const currentHealthy = pods.filter((p) => p.ready && !p.terminating).length;
  const desiredHealthy = 'minAvailable' in spec ? spec.minAvailable : Math.max(0, expectedPods - spec.maxUnavailable);
  return { disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy), currentHealthy, desiredHealthy, expectedPods };
}

/** EVICTION_REFUSED_REASON is the Eviction API's 429 message when a budget allows no disruption. */
export const EVICTION_REFUSED_REASON = "Cannot evict pod as it would violate the pod's disruption budget.";
