// Rule prestop-exceeds-grace: the preStop hook used up the grace period
// (which counts from the hook's start), leaving the app no time after SIGTERM.
import type { Finding } from '../results/types.js';
import { group, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { endedPods, lostText, type Ended } from './termination-evidence.js';

/** prestopExceedsGrace finds the pods whose preStop hook used up the grace period, so SIGTERM came at its very end. */
export const prestopExceedsGrace: FindingRule = { id: 'prestop-exceeds-grace', find: (input) => find(input, endedPods(input, 'prestop-exceeds-grace')) };

function find(input: RuleInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'prestop-exceeds-grace');
  const hooks = new Map<string, string>();
  for (const e of input.results.events) if (e.kind === 'prestop-started') hooks.set(e.pod, e.hook);
  const evidence = pods.map(({ t }) => {
    const from = t.terminatingMs ?? t.prestopStartMs ?? 0;
    const hook = hooks.get(t.pod);
    const grace = t.graceMs !== null ? formatDuration(t.graceMs) : 'the grace period';
    const kill = t.sigkillMs ?? t.exitedMs;
    const killText = kill !== null && t.sigtermMs !== null ? `; SIGKILL ${formatDuration(kill - t.sigtermMs)} after SIGTERM` : '';
    return `${t.pod}: preStop hook${hook ? ` \`${hook}\`` : ''} from ${formatAt(t.prestopStartMs ?? from)}; SIGTERM only at ${formatAt(t.sigtermMs ?? from)}, after ${formatDuration((t.sigtermMs ?? from) - from)} of its ${grace} grace period${killText}${lostText(input, 'prestop-exceeds-grace', t.pod)}`;
  });
  return {
    id: 'prestop-exceeds-grace',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `the preStop hook used up the grace period of ${plural(pods.length, 'pod')}`,
    evidence,
    fix: FIXES['prestop-exceeds-grace'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
  };
}
