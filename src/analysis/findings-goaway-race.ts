// Rule goaway-race: streams refused or reset just after a pod's GOAWAY (at its
// shutdown, or a maximum connection age's): the GOAWAY crossed streams clients
// had already sent (the HTTP/2 form of the endpoint race). Says how many a
// standard client would have retried.
import { OUTCOME_TRAITS, type Finding } from '../results/types.js';
import { connectionsOf, createConnectionIndex, GOAWAY_RACE_MS, goawaysOf } from './connection-evidence.js';
import { group, kindsText, maxOf, minOf, span, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import type { PodTimeline } from './pod-timeline.js';
import { failureAtMs } from './windows.js';

/** goawayRace finds the streams refused or reset within GOAWAY_RACE_MS of a pod's GOAWAY. */
export const goawayRace: FindingRule = { id: 'goaway-race', find };

function find(input: RuleInput): Finding | null {
  const g = group(input, 'goaway-race');
  if (g.failures.length === 0) return null;
  const conns = createConnectionIndex(input.results);
  const byName = timelineByPod(input);
  const retried = g.failures.filter((f) => OUTCOME_TRAITS[f.kind].neverProcessed === true).length;
  const evidence: string[] = [];
  for (const [pod, list] of g.byPod) {
    const parts = [`${pod}: ${plural(list.length, 'stream')} failed ${span(minOf(list.map(failureAtMs)), maxOf(list.map(failureAtMs)))} (${kindsText(list)})`];
    const on = connectionsOf(conns, list);
    const goaways = goawaysOf(on);
    const first = goaways[0];
    if (first) {
      parts.push(
        `its first GOAWAY came at ${formatAt(first.atMs)} (${first.errorCode}, last-stream-id ${first.lastStreamId}, ${plural(first.streamsOpen, 'stream')} open), ` +
          `${plural(goaways.length, 'GOAWAY')} on the ${plural(on.length, 'connection')} they were on`,
      );
    } else {
      parts.push('the streams\' own fates show the GOAWAY or refusal (no connection record gives its time)');
    }
    parts.push(...routing(byName.get(pod), first?.atMs));
    evidence.push(parts.join('; '));
  }
  const seen = g.failures.length - retried;
  evidence.push(
    `A standard gRPC client retries a stream the server never processed (above the GOAWAY's last-stream-id, or REFUSED_STREAM): ` +
      `it would have hidden ${retried} of ${g.failures.length}; the other ${seen} ${seen === 1 ? 'was' : 'were'} reset or cancelled after ${seen === 1 ? 'it' : 'they'} started and reach the application as errors.`,
  );
  return {
    id: 'goaway-race',
    severity: seen > 0 ? 'critical' : 'warning',
    title: `${plural(g.failures.length, 'stream')} refused or reset within ${formatDuration(GOAWAY_RACE_MS)} of a pod's GOAWAY`,
    evidence,
    fix: FIXES['goaway-race'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
    data: { hiddenByRetry: retried, seenByApplication: seen },
  };
}

/** routing says whether the pod was still routed when it sent its GOAWAY: SIGTERM with no preStop, endpoint removed later; or not stopping at all. */
function routing(t: PodTimeline | undefined, goawayMs: number | undefined): string[] {
  if (!t) return [];
  if (t.sigtermMs === null || (goawayMs !== undefined && goawayMs < t.sigtermMs - 100)) {
    return ['it was not stopping then: the GOAWAY was the server\'s own (a maximum connection age), sent with streams still on their way'];
  }
  const preStop = t.prestopStartMs !== null ? `after a preStop hook of ${formatDuration((t.prestopEndMs ?? t.sigtermMs) - t.prestopStartMs)}` : 'with no preStop hook';
  const stop = t.routingStoppedMs;
  const routed = stop !== null && stop > t.sigtermMs ? `, while it was still routed until ${formatAt(stop)}` : '';
  return [`it got SIGTERM at ${formatAt(t.sigtermMs)} ${preStop}${routed}`];
}
