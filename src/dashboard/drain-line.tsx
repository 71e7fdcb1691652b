import { Text } from 'ink';
import type { DrainNow } from './model/drain-now.js';
import { formatSpan } from './model/format.js';
import { Paint } from './paint.js';

/** drainText words the drain, most telling first (a narrow screen cuts the end): "node-1 draining 4.2s" and ": evicted 1/2, 429 ×1, PDB demo allows 0 (healthy 2/2)". */
export function drainText(d: DrainNow): { status: string; rest: string } {
  const status = d.status === 'draining' ? `${d.node} draining ${formatSpan(d.forMs)}` : `${d.node} drained in ${formatSpan(d.forMs)}${d.status === 'failed' ? ' (FAILED)' : ''}`;
  const refused = d.refused > 0 ? `, 429 ×${d.refused}` : '';
  const budget = d.budget ? `, PDB ${d.budget.name} allows ${d.budget.disruptionsAllowed} (healthy ${d.budget.currentHealthy}/${d.budget.desiredHealthy})` : '';
  return { status, rest: `: evicted ${d.evicted}/${d.of}${refused}${budget}` };
}

/** DrainLine shows the newest node drain under the rollout line: node, evictions so far, refusals and the budget's allowance. */
export function DrainLine({ drain }: { drain: DrainNow }) {
  const { status, rest } = drainText(drain);
  const tone = drain.status === 'failed' ? 'bad' : drain.status === 'done' ? 'good' : 'accent';
  return (
    <Text wrap="truncate-end">
      <Paint tone="dim">{'drain     '}</Paint>
      <Paint tone={tone}>{status}</Paint>
      {rest}
    </Text>
  );
}
