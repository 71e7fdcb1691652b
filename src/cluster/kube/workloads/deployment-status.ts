import type { RolloutCounts } from '../../../results/events.js';
import type { RolloutState, WorkloadLike } from './workload-kind.js';

/** DeploymentLike is the part of a Deployment that rollout status reads (typed or raw JSON). */
export interface DeploymentLike extends WorkloadLike {
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

/**
 * rolloutState decides progress exactly as kubectl's DeploymentStatusViewer:
 * the controller must have observed the latest generation; ProgressDeadlineExceeded
 * fails; otherwise wait until every replica is updated, no old one is left and
 * every updated one is available.
 */
export function rolloutState(d: DeploymentLike): RolloutState {
  const generation = d.metadata?.generation ?? 0;
  const observed = d.status?.observedGeneration ?? 0;
  if (generation > observed) return { state: 'waiting', message: 'waiting for the deployment spec update to be observed' };
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `deployment "${d.metadata?.name ?? ''}" exceeded its progress deadline` };
  }
  const c = rolloutCounts(d);
  const wanted = d.spec?.replicas;
  if (wanted !== undefined && c.updated < wanted) {
    return { state: 'waiting', message: `${c.updated} out of ${wanted} new replicas have been updated` };
  }
  if (c.replicas > c.updated) {
    return { state: 'waiting', message: `${c.replicas - c.updated} old replicas are pending termination` };
  }
  if (c.available < c.updated) {
    return { state: 'waiting', message: `${c.available} of ${c.updated} updated replicas are available` };
  }
  return { state: 'complete', message: `deployment "${d.metadata?.name ?? ''}" successfully rolled out` };
}

/** rolloutCounts reads the replica counts of a Deployment's status. */
export function rolloutCounts(d: DeploymentLike): RolloutCounts {
  const s = d.status ?? {};
  return {
    replicas: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}
