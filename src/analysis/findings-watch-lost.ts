// Rule watch-lost: the cluster watch was interrupted, so pod events in the gap
// may be missing or late.
import type { ClusterEvent } from '../results/events.js';
import type { Finding } from '../results/types.js';
import type { FindingRule } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration } from './format.js';

/** watchLost finds each interruption of the cluster watch and whether it resumed. */
export const watchLost: FindingRule = { id: 'watch-lost', find: (input) => find(input.results.events) };

function find(events: readonly ClusterEvent[]): Finding | null {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const evidence: string[] = [];
  let unresolved = false;
  sorted.forEach((e, i) => {
    if (e.kind !== 'watch-lost') return;
    const resumed = sorted.slice(i + 1).find((r) => r.kind === 'watch-resumed' && r.resource === e.resource);
    if (resumed && resumed.kind === 'watch-resumed') {
      evidence.push(`${e.resource} watch lost at ${formatAt(e.atMs)} (${e.error}), resumed ${formatDuration(resumed.atMs - e.atMs)} later${resumed.relisted ? ' after a relist' : ''}`);
    } else {
      unresolved = true;
      evidence.push(`${e.resource} watch lost at ${formatAt(e.atMs)} (${e.error}) and never resumed`);
    }
  });
  if (evidence.length === 0) return null;
  return {
    id: 'watch-lost',
    severity: unresolved ? 'warning' : 'info',
    title: 'The cluster watch was interrupted: some pod events may be missing',
    evidence,
    fix: FIXES['watch-lost'],
    pods: [],
    failures: 0,
  };
}
