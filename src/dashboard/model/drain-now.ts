import { labelIncarnations } from '../../analysis/incarnations.js';
import { nodeFacts } from '../../analysis/node-facts.js';
import type { ClusterEvent } from '../../results/events.js';

/** DrainNow is the newest node drain as the rollout panel shows it. */
export interface DrainNow {
  node: string;
  status: 'draining' | 'done' | 'failed';
  evicted: number;
  /** of is how many pods the node held when the drain began. */
  of: number;
  refused: number;
  /** forMs is how long it has run (draining) or took (done, failed). */
  forMs: number;
  /** budget is the newest status of a PodDisruptionBudget (the one that refused last, else the last reported). */
  budget: { name: string; disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number } | null;
}

/** drainNow reads the newest drain from the live events at `nowMs`: the one under way, else the last one; null before any drain. */
export function drainNow(events: readonly ClusterEvent[], nowMs: number): DrainNow | null {
  const facts = nodeFacts(labelIncarnations(events));
  const d = facts?.drains[facts.drains.length - 1];
  if (!facts || !d) return null;
  const refused = d.evictions.filter((m) => m.refused);
  const lastRefusal = refused[refused.length - 1]?.pdb;
  const statuses = facts.budgets.filter((b) => b.atMs <= nowMs && (lastRefusal === undefined || b.name === lastRefusal));
  const b = statuses[statuses.length - 1];
  return {
    node: d.node,
    status: d.endMs === null ? 'draining' : d.ok === false ? 'failed' : 'done',
    evicted: d.evictedCount,
    of: d.podsAtStart.length,
    refused: refused.length,
    forMs: Math.max(0, (d.endMs ?? nowMs) - d.startMs),
    budget: b ? { name: b.name, disruptionsAllowed: b.disruptionsAllowed, currentHealthy: b.currentHealthy, desiredHealthy: b.desiredHealthy } : null,
  };
}
