// Rule abort-drops: the abort's way back (the canary or preview set scaled
// down, traffic back on the stable set) dropped requests.
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, minOf, span, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, plural } from './format.js';
import { createRolloutStepIndex } from './rollout-steps.js';
import { failureAtMs } from './windows.js';

/** abortDrops finds the requests that failed on pods an abort scaled down. */
export const abortDrops: FindingRule = {
  id: 'abort-drops',
  find: (input) => find(input),
};

function find(input: RuleInput): Finding | null {
  const g = group(input, 'abort-drops');
  if (g.failures.length === 0) return null;
  const steps = createRolloutStepIndex(input.results.events);
  const evidence = [...g.byPod].map(([pod, list]) => {
    const step = steps.scaledDownBy.get(pod);
    const times = list.map(failureAtMs);
    const at = step ? `the abort at ${step.strategy} step ${step.index} (${formatAt(step.atMs)}) scaled it down; ` : '';
    return `${pod}: ${at}${plural(list.length, 'request')} failed (${kindsText(list)}) ${span(minOf(times), maxOf(times))}`;
  });
  return {
    id: 'abort-drops',
    severity: 'critical',
    title: `The abort's way back dropped ${plural(g.failures.length, 'request')} as it scaled the new pods down`,
    evidence,
    fix: FIXES['abort-drops'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}
