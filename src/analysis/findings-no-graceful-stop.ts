// Rule no-graceful-stop: a pod's HTTP/2 connections ended with streams open
// and no GOAWAY at its SIGTERM (or its exit): the server stopped without a
// graceful stop, and every stream open on it died with the connection.
import type { Finding } from '../results/types.js';
import { connectionsOf, createConnectionIndex } from './connection-evidence.js';
import { group, kindsText, maxOf, minOf, span, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import type { PodTimeline } from './pod-timeline.js';
import { failureAtMs } from './windows.js';

/** noGracefulStop finds the pods whose HTTP/2 streams were cut at shutdown by connections that closed with no GOAWAY. */
export const noGracefulStop: FindingRule = { id: 'no-graceful-stop', find };

function find(input: RuleInput): Finding | null {
  const g = group(input, 'no-graceful-stop');
  if (g.failures.length === 0) return null;
  const conns = createConnectionIndex(input.results);
  const byName = timelineByPod(input);
  let cutConnections = 0;
  const evidence: string[] = [];
  for (const [pod, list] of g.byPod) {
    const t = byName.get(pod);
    const parts = [`${pod}: ${plural(list.length, 'stream')} cut ${span(minOf(list.map(failureAtMs)), maxOf(list.map(failureAtMs)))} (${kindsText(list)})`];
    if (t) parts.push(...stopStory(t));
    const closed = connectionsOf(conns, list).filter((c) => c.closedAtMs !== undefined && c.goaways.length === 0);
    cutConnections += closed.length;
    if (closed.length > 0) {
      const open = closed.reduce((n, c) => n + (c.streamsOpenAtClose ?? 0), 0);
      const at = closed.map((c) => c.closedAtMs ?? 0);
      parts.push(`the ${plural(closed.length, 'connection')} they were on closed ${span(minOf(at), maxOf(at))} with no GOAWAY and ${plural(open, 'stream')} open`);
    } else {
      parts.push('the connections under them closed with no GOAWAY before the streams ended (the streams\' own close codes say so)');
    }
    evidence.push(parts.join('; '));
  }
  evidence.push(
    'A server stopping gracefully sends GOAWAY first and lets the streams it accepted finish; these connections just closed, so every open stream ' +
      'died with them (a standard gRPC client cannot retry them: they may have been processed).',
  );
  return {
    id: 'no-graceful-stop',
    severity: 'critical',
    title: `${plural(g.failures.length, 'stream')} cut when ${plural(g.byPod.size, 'pod')} stopped without a graceful stop (no GOAWAY)`,
    evidence,
    fix: FIXES['no-graceful-stop'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
    data: { connectionsCut: cutConnections },
  };
}

/** stopStory tells when the pod got SIGTERM and how soon after it the process ended. */
function stopStory(t: PodTimeline): string[] {
  if (t.sigtermMs === null) return [];
  const end = t.exitedMs;
  if (end === null) return [`it got SIGTERM at ${formatAt(t.sigtermMs)}`];
  const code = t.exitCode !== null ? ` with code ${t.exitCode}` : t.exitSignal ? ` (${t.exitSignal})` : '';
  return [`it got SIGTERM at ${formatAt(t.sigtermMs)} and exited ${formatDuration(end - t.sigtermMs)} later${code}`];
}
