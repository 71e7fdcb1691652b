// Rule graceful-stop-exceeds-grace: a pod stopped gracefully at SIGTERM (its
// connections got GOAWAY) but was still waiting for streams at the SIGKILL:
// a graceful stop with no timer falling back to a hard stop.
import type { Finding } from '../results/types.js';
import { goawaysOf, waitingAtKill } from './connection-evidence.js';
import { group, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import { endedPods, killLine, lostText, type Ended } from './termination-evidence.js';

/** gracefulStopExceedsGrace finds the pods SIGKILLed at the grace period while their graceful stop still waited for streams. */
export const gracefulStopExceedsGrace: FindingRule = {
  id: 'graceful-stop-exceeds-grace',
  find: (input) => find(input, endedPods(input, 'graceful-stop-exceeds-grace')),
};

function find(input: RuleInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'graceful-stop-exceeds-grace');
  const evidence: string[] = [];
  for (const { t } of pods) {
    evidence.push(`${t.pod}: ${killLine(t)}${lostText(input, 'graceful-stop-exceeds-grace', t.pod)}`);
    const sigterm = t.sigtermMs ?? 0;
    const killMs = t.sigkillMs ?? t.exitedMs ?? sigterm;
    const waiting = waitingAtKill(input.results.connections ?? [], t.pod, sigterm, killMs);
    const goaway = goawaysOf(waiting).find((x) => x.atMs >= sigterm - 100);
    const open = waiting.reduce((n, c) => n + (c.streamsOpenAtClose ?? 0), 0);
    evidence.push(
      goaway
        ? `${t.pod}: it began a graceful stop: GOAWAY at ${formatAt(goaway.atMs)}, ${formatDuration(goaway.atMs - sigterm)} after SIGTERM; ` +
            `${plural(waiting.length, 'connection')} still open at the SIGKILL with ${plural(open, 'stream')} it was waiting for.`
        : `${t.pod}: it began a graceful stop (the streams cut at the SIGKILL were on connections that had its GOAWAY) and was still waiting at the SIGKILL.`,
    );
  }
  evidence.push('The graceful stop waits for running streams with no limit of its own; the kubelet\'s SIGKILL ended the wait and cut them.');
  return {
    id: 'graceful-stop-exceeds-grace',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} ${pods.length === 1 ? 'was' : 'were'} still in a graceful stop, waiting for streams, when the grace period ended`,
    evidence,
    fix: FIXES['graceful-stop-exceeds-grace'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
  };
}
