import { pollUntil } from '../poll-until.js';
import type { PodTracker } from './pod-tracker.js';
import type { WorkloadKind, WorkloadLike } from './workloads/workload-kind.js';

const POLL_MS = 250;

/** desiredReplicas is how many ready pods the workload wants: spec.replicas, or (a DaemonSet) its status's desired count. */
export function desiredReplicas(kind: WorkloadKind, w: WorkloadLike | null): number {
  if (!w) return 0;
  return w.spec?.replicas ?? kind.progress(w).replicas;
}

/**
 * waitReplaced resolves true once as many pods are ready as the workload
 * wants and none is still terminating (the evicted pods' replacements are up),
 * false at `leftMs` or on abort.
 */
export function waitReplaced(o: { desired(): number; pods: PodTracker; leftMs: number; signal?: AbortSignal }): Promise<boolean> {
  const back = (): boolean => o.pods.terminating().count === 0 && o.pods.alive().filter((p) => p.ready).length >= o.desired();
  return pollUntil(back, { everyMs: POLL_MS, leftMs: o.leftMs, ...(o.signal ? { signal: o.signal } : {}) });
}
