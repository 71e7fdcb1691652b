// Rule rollout-failed: the rollout itself did not complete.
import type { ClusterEvent } from '../results/events.js';
import type { Finding, Results } from '../results/types.js';
import type { FindingRule } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt } from './format.js';

/** rolloutFailed finds a rollout that failed or timed out, from its events or the run's stop reason. */
export const rolloutFailed: FindingRule = { id: 'rollout-failed', find: (input) => find(input.results) };

function find(results: Results): Finding | null {
  const failed = results.events.filter((e): e is Extract<ClusterEvent, { kind: 'rollout-failed' }> => e.kind === 'rollout-failed');
  const stop = results.meta.stopReason;
  const stopSaysFailed = /rollout (failed|timed out|timeout)/i.test(stop);
  if (failed.length === 0 && !stopSaysFailed) return null;
  const evidence = failed.map((e) => `rollout failed at ${formatAt(e.atMs)}: ${e.reason}`);
  if (stopSaysFailed) evidence.push(`run stopped: ${stop}`);
  return {
    id: 'rollout-failed',
    severity: 'critical',
    title: 'The rollout did not complete',
    evidence,
    fix: FIXES['rollout-failed'],
    pods: [],
    failures: 0,
  };
}
