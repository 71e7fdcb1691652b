import type { RolloutLimits } from './rollout-math.js';

/** CanaryCounts are the replica counts a canary step wants: the canary (new) set and the stable set. */
export interface CanaryCounts {
  canary: number;
  stable: number;
}

/**
 * weightedCanaryCounts approximates a canary weight by replica counts, as Argo
 * Rollouts does without a traffic router (argo-rollouts
 * utils/replicaset/canary.go, approximateWeightedCanaryStableReplicaCounts):
 * of ceil and floor of replicas × weight, over `replicas` or (with surge)
 * `replicas + 1` pods, the split whose share is nearest the weight, the larger
 * canary on a tie; a weight strictly between 0 and 100 never rounds either set
 * to zero when there are two or more pods.
 */
export function weightedCanaryCounts(replicas: number, weightPercent: number, surge: number): CanaryCounts {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const exact = (replicas * weightPercent) / 100;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const zeroAllowed = weightPercent === 100 || weightPercent === 0 || (replicas === 1 && surge === 0);
  const tied = (total: number): boolean => ((total * weightPercent) / 100) % 1 === 0.5;
  const options: Array<{ canary: number; total: number }> = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!tied(replicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas });
  if (surge > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!tied(replicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas + 1 });
  }
  const delta = (o: { canary: number; total: number }): number => Math.abs((o.canary * 100) / o.total - weightPercent);
  let best = options[0] ?? { canary: 0, total: replicas };
  for (const o of options.slice(1)) if (delta(o) < delta(best)) best = o;
  return { canary: best.canary, stable: best.total - best.canary };
}

/** SetView is what the canary planner knows of one ReplicaSet now: its pods (not terminating) and how many are available. */
export interface SetView {
  pods: number;
  available: number;
}

/**
 * planCanaryCounts is one reconcile of a basic canary (argo-rollouts
 * utils/replicaset/canary.go, CalculateReplicaCountsForBasicCanary): scale up
 * towards `want` within replicas + maxSurge (the stable set first, as on the way
 * back of an abort), then scale the draining set down (the stable when the
 * canary grows, the canary when it shrinks) no further than keeps
 * replicas − maxUnavailable pods available, never below its own target.
 */
export function planCanaryCounts(replicas: number, want: CanaryCounts, canary: SetView, stable: SetView, limits: RolloutLimits): CanaryCounts {
  let room = replicas + limits.surge - canary.pods - stable.pods;
  let stableCount = stable.pods;
  let canaryCount = canary.pods;
  if (stableCount < want.stable && room > 0) {
    const add = Math.min(room, want.stable - stableCount);
    stableCount += add;
    room -= add;
  }
  if (canaryCount < want.canary && room > 0) canaryCount += Math.min(room, want.canary - canaryCount);
  const minAvailable = replicas - limits.unavailable;
  const increasing = want.canary >= canary.pods;
  // The draining set's availability does not count: its pods are the ones going.
  const counted = increasing ? canary.available + stable.pods : canary.pods + stable.available;
  const spare = counted - minAvailable;
  if (spare <= 0) return { canary: canaryCount, stable: stableCount };
  if (increasing) stableCount = Math.min(stableCount, Math.max(want.stable, stable.pods - spare));
  else canaryCount = Math.min(canaryCount, Math.max(want.canary, canary.pods - spare));
  return { canary: canaryCount, stable: stableCount };
}
