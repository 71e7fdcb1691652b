// Rule grace-too-short: a pod was still shutting down when its grace period
// ended and was SIGKILLed.
import type { Finding } from '../results/types.js';
import { group, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatDuration, plural } from './format.js';
import { describePid1, pid1Reaction } from './pid1.js';
import { tooShortToTell } from './termination.js';
import { endedPods, inspectHint, killLine, lostText, type Ended } from './termination-evidence.js';

/** graceTooShort finds the pods that reacted to SIGTERM (or had too little time to tell) but were still shutting down at the SIGKILL. */
export const graceTooShort: FindingRule = { id: 'grace-too-short', find: (input) => find(input, endedPods(input, 'grace-too-short')) };

function find(input: RuleInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'grace-too-short');
  const evidence: string[] = [];
  for (const { end, t } of pods) {
    evidence.push(`${t.pod}: ${killLine(t)}${lostText(input, 'grace-too-short', t.pod)}`);
    const short = tooShortToTell(end.afterSigtermMs);
    if (short) evidence.push(`${t.pod}: it had only ${formatDuration(end.afterSigtermMs ?? 0)} after SIGTERM: too little to finish in-flight requests and close its connections.`);
    if (t.pid1) {
      const ignores = pid1Reaction(t.pid1) === 'ignores';
      evidence.push(`${t.pod}: ${describePid1(t.pid1)}${ignores ? ': with more time it would still not have stopped (see the sigterm-ignored fix as well)' : ''}.`);
    }
    if (t.sigtermProbe && end.reaction === 'probe') {
      const p = t.sigtermProbe;
      evidence.push(`${t.pod}: it reacted to SIGTERM: ${formatDuration(p.afterSigtermMs)} after it, a new connection was ${p.answered ? 'answered with `Connection: close`' : 'not answered'}; it was still running at SIGKILL.`);
    } else if (end.kept) {
      evidence.push(`${t.pod}: it reacted to SIGTERM: ok answers fell from ${end.kept.beforeSigterm} in the second before SIGTERM to ${end.kept.beforeKill} in the second before SIGKILL, but it was still running.`);
    } else if (!short && !t.pid1) {
      evidence.push(`${t.pod}: whether it reacted to SIGTERM is not known (PID 1 not inspected, too little traffic on it to tell); if it does not, see the sigterm-ignored fix.${inspectHint(input, t)}`);
    }
  }
  return {
    id: 'grace-too-short',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} ${pods.length === 1 ? 'was' : 'were'} still shutting down when the grace period ended and ${pods.length === 1 ? 'was' : 'were'} SIGKILLed`,
    evidence,
    fix: FIXES['grace-too-short'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
  };
}
