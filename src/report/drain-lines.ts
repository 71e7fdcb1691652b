import { withIncarnations } from '../analysis/incarnations.js';
import { formatDuration, plural } from '../analysis/format.js';
import { nodeFacts, refusingBudgets } from '../analysis/node-facts.js';
import type { Results } from '../results/types.js';

/**
 * drainLines words each node drain of a run for the terminal summary: the
 * node, the pods evicted of those it held, the refusals (429) with the budgets
 * that refused, and how long the drain took ("node-1: 2 of 2 pods evicted, 1
 * eviction refused (429, PDB demo), took 7.0 s"); a drain someone else ran
 * cannot show its refusals, and says so. Empty without a drain.
 */
export function drainLines(results: Results): string[] {
  const facts = nodeFacts(withIncarnations(results).events);
  if (!facts) return [];
  return facts.drains.map((d) => {
    const refused = d.evictions.filter((m) => m.refused);
    const statuses = [...new Set(refused.map((m) => m.status ?? 0))].join('/');
    const budgets = refusingBudgets(refused);
    const none = d.inferred ? "429s not seen (someone else's drain)" : 'no eviction refused';
    const refusals = refused.length === 0 ? none : `${plural(refused.length, 'eviction')} refused (${statuses}${budgets.length ? `, PDB ${budgets.join(', ')}` : ''})`;
    const end = d.endMs === null ? 'not finished by the end of the run' : `${d.ok === false ? 'failed after' : 'took'} ${formatDuration(d.endMs - d.startMs)}${d.error ? `: ${d.error}` : ''}`;
    return `${d.node}: ${d.evictedCount} of ${plural(d.podsAtStart.length, 'pod')} evicted, ${refusals}, ${end}`;
  });
}
