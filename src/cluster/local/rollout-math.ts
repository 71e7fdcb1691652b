import type { CountOrPercent } from './settings.js';

/** RolloutLimits are maxSurge and maxUnavailable resolved to pod counts. */
export interface RolloutLimits {
  surge: number;
  unavailable: number;
}

/**
 * resolveRolloutLimits turns maxSurge (percent rounded up) and maxUnavailable
 * (percent rounded down) into counts, as the Deployment controller does. When
 * rounding makes both 0 it allows one unavailable pod, as Kubernetes does
 * (an explicit 0/0 is refused earlier, by the flag reader).
 */
export function resolveRolloutLimits(replicas: number, maxSurge: CountOrPercent, maxUnavailable: CountOrPercent): RolloutLimits {
  const surge = 'count' in maxSurge ? maxSurge.count : Math.ceil((maxSurge.percent * replicas) / 100);
  let unavailable = 'count' in maxUnavailable ? maxUnavailable.count : Math.floor((maxUnavailable.percent * replicas) / 100);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** PodView is what the controller needs to know of one non-terminating pod. */
export interface PodView {
  name: string;
  revision: string;
  ready: boolean;
  /** available: ready for at least minReadySeconds. */
  available: boolean;
  /** seq orders pods by creation (higher = newer). */
  seq: number;
}

/** RolloutStep is what the controller does next: create pods of the current revision, terminate named pods. */
export interface RolloutStep {
  create: number;
  terminate: string[];
}

/**
 * planRolloutStep is one reconcile of the Deployment controller's rolling
 * update over `pods` (terminating pods excluded, as in a ReplicaSet's count):
 * scale the new revision up within replicas + surge, then scale old pods down
 * without dropping below replicas - unavailable available pods; not-ready old
 * pods go first. With a single revision it just scales to `replicas`.
 */
export function planRolloutStep(pods: PodView[], revision: string, replicas: number, limits: RolloutLimits): RolloutStep {
  const fresh = pods.filter((p) => p.revision === revision);
  const old = pods.filter((p) => p.revision !== revision);
  const newestFirst = (a: PodView, b: PodView): number => b.seq - a.seq;
  if (fresh.length > replicas) {
    // Scaled down: not-ready pods first, then the newest.
    const order = [...fresh].sort((a, b) => Number(a.ready) - Number(b.ready) || newestFirst(a, b));
    return { create: 0, terminate: order.slice(0, fresh.length - replicas).map((p) => p.name) };
  }
  if (old.length === 0) return { create: replicas - fresh.length, terminate: [] };

  const maxTotal = replicas + limits.surge;
  const create = Math.max(0, Math.min(replicas - fresh.length, maxTotal - pods.length));
  const minAvailable = replicas - limits.unavailable;
  const newSpec = fresh.length + create;
  const newUnavailable = newSpec - fresh.filter((p) => p.available).length;
  let budget = pods.length + create - minAvailable - newUnavailable;
  const terminate: string[] = [];
  // Old pods that are not ready cost no availability: clean them up first.
  for (const p of old.filter((o) => !o.ready).sort(newestFirst)) {
    if (budget <= 0) break;
    terminate.push(p.name);
    budget -= 1;
  }
  let spareAvailable = pods.filter((p) => p.available).length - minAvailable;
  for (const p of old.filter((o) => o.ready).sort(newestFirst)) {
    if (budget <= 0 || spareAvailable <= 0) break;
    terminate.push(p.name);
    budget -= 1;
    if (p.available) spareAvailable -= 1;
  }
  return { create, terminate };
}
