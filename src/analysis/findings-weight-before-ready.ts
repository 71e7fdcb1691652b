// Rule weight-before-ready: a canary weight step (or the blue-green switch)
// sent traffic to new pods that were not ready yet, or to no ready endpoint.
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, minOf, span, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { plural } from './format.js';
import { createRolloutStepIndex, stepAt } from './rollout-steps.js';
import { failureAtMs } from './windows.js';

/** weightBeforeReady finds failures on not-ready new pods (or with no ready endpoint) under a weight step. */
export const weightBeforeReady: FindingRule = {
  id: 'weight-before-ready',
  find: (input) => find(input),
};

function find(input: RuleInput): Finding | null {
  const g = group(input, 'weight-before-ready');
  if (g.failures.length === 0) return null;
  const steps = createRolloutStepIndex(input.results.events);
  const byStep = new Map<string, number[]>();
  for (const f of g.failures) {
    const at = failureAtMs(f);
    const s = stepAt(steps, at);
    const key = s ? `${s.strategy} step ${s.index} (${s.step}, weight ${s.weight}%)` : 'before any step';
    byStep.set(key, [...(byStep.get(key) ?? []), at]);
  }
  const evidence = [...byStep].map(([key, times]) => `${key}: ${plural(times.length, 'request')} failed ${span(minOf(times), maxOf(times))}`);
  for (const [pod, list] of g.byPod) evidence.push(`${pod}: ${plural(list.length, 'request')} (${kindsText(list)}) while it was not ready`);
  return {
    id: 'weight-before-ready',
    severity: 'critical',
    title: `A weight step sent ${plural(g.failures.length, 'request')} to new pods that were not ready (or to no ready endpoint)`,
    evidence,
    fix: FIXES['weight-before-ready'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}
