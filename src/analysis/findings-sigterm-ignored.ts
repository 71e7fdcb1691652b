// Rule sigterm-ignored: a pod ran on after SIGTERM, with no reaction, until
// the SIGKILL at the grace period; PID 1's facts name the mechanism.
import type { Finding } from '../results/types.js';
import { group, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatDuration, plural } from './format.js';
import { describePid1, pid1Reaction } from './pid1.js';
import type { PodTimeline } from './pod-timeline.js';
import { endedPods, killLine, lostText, notInspected, type Ended } from './termination-evidence.js';

/** sigtermIgnored finds the pods that showed no reaction to SIGTERM and were SIGKILLed at the grace period, and says what PID 1 is where it was read. */
export const sigtermIgnored: FindingRule = { id: 'sigterm-ignored', find: (input) => find(input, endedPods(input, 'sigterm-ignored')) };

function find(input: RuleInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'sigterm-ignored');
  const evidence: string[] = [];
  for (const { end, t } of pods) {
    evidence.push(`${t.pod}: ${killLine(t)}${lostText(input, 'sigterm-ignored', t.pod)}`);
    if (t.pid1) evidence.push(`${t.pod}: ${describePid1(t.pid1)}.`);
    if (t.sigtermProbe && end.reaction === 'probe') {
      evidence.push(`${t.pod}: it showed no reaction: ${formatDuration(t.sigtermProbe.afterSigtermMs)} after SIGTERM it still accepted a new connection and answered as before.`);
    }
    if (end.kept) {
      evidence.push(
        `${t.pod}: it showed no reaction: ${end.kept.beforeKill} ok answers in the second before SIGKILL, ${end.kept.beforeSigterm} in the second before SIGTERM.${t.pid1 ? '' : ` ${notInspected(input, t)}`}`,
      );
    }
  }
  return {
    id: 'sigterm-ignored',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} ignored SIGTERM and ${pods.length === 1 ? 'was' : 'were'} SIGKILLed at the grace period`,
    evidence,
    fix: FIXES['sigterm-ignored'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
    data: { mechanism: mechanismOf(pods[0]?.t as PodTimeline) },
  };
}

/** mechanismOf names, for results data and tests, what made PID 1 ignore SIGTERM. */
function mechanismOf(t: PodTimeline): string {
  const p = t.pid1;
  if (!p || pid1Reaction(p) === 'unknown') return 'unknown';
  if (p.role === 'shell') return 'shell';
  if (p.role === 'init') return 'init-child-ignores';
  return p.sigterm === 'default' ? 'no-handler' : p.sigterm;
}
