// Rule unrelated-errors: failures far from any pod event (the rollout is not to
// blame), and those near one that match no known shutdown pattern.
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, minOf, span, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatDuration, plural } from './format.js';
import { failureAtMs } from './windows.js';

/** unrelatedErrors finds the failures the rollout does not explain. */
export const unrelatedErrors: FindingRule = { id: 'unrelated-errors', find };

function find(input: RuleInput): Finding | null {
  const g = group(input, 'unrelated-errors');
  // Ambiguous failures are the rollout's, only not one pod's: analysis warnings say so, not this finding.
  const unexplained = input.causes.filter((c, i) => c === undefined && !(input.ambiguous?.has(i) ?? false)).length;
  if (g.failures.length === 0 && unexplained === 0) return null;
  const evidence: string[] = [];
  if (g.failures.length > 0) {
    const times = g.failures.map(failureAtMs);
    evidence.push(
      `${plural(g.failures.length, 'failure')} (${kindsText(g.failures)}) ${span(minOf(times), maxOf(times))} ` +
        `happened more than ${formatDuration(2000)} away from any pod event: the rollout is not to blame for those.`,
    );
    const samples = [...new Set(g.failures.map((f) => f.errorCode ?? (f.status !== undefined ? `HTTP ${f.status}` : f.message ?? f.kind)))];
    evidence.push(`Errors seen: ${samples.slice(0, 5).join(', ')}${samples.length > 5 ? ` and ${samples.length - 5} more` : ''}`);
  }
  if (unexplained > 0) {
    evidence.push(
      `${plural(unexplained, 'failure')} happened near pod events but ${unexplained === 1 ? 'matches' : 'match'} no known shutdown pattern (e.g. HTTP errors from the app itself): see the failure table.`,
    );
  }
  return {
    id: 'unrelated-errors',
    severity: 'warning',
    title: `${plural(g.failures.length + unexplained, 'failure')} not explained by the rollout`,
    evidence,
    fix: FIXES['unrelated-errors'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length + unexplained,
    data: { unrelated: g.failures.length, unexplainedNearEvents: unexplained },
  };
}
