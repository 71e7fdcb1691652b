// Rule no-prestop-drain: a terminating pod stopped accepting new connections
// while the Service still routed them to it (no preStop sleep to cover the
// endpoint change's propagation).
import type { Finding } from '../results/types.js';
import { group, kindsText, maxOf, minOf, span, timelineByPod, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, plural } from './format.js';
import type { PodTimeline } from './pod-timeline.js';
import { proxyFinding, type ProxyFindingSpec } from './proxy-finding.js';
import { failureAtMs } from './windows.js';

/** noPrestopDrain finds the failures on new connections to pods that had stopped accepting but were still routed. */
export const noPrestopDrain: FindingRule = {
  id: 'no-prestop-drain',
  find: directFinding,
  hiddenByProxy: (input) => proxyFinding(HIDDEN, input),
};

// Behind a proxy whose retries hid every such failure (none reached the client): what the proxy saw.
const HIDDEN: ProxyFindingSpec = {
  id: 'no-prestop-drain',
  title: (g, proxy) => `Pods stopped accepting while the Service still routed them: ${proxy}'s retries hid ${plural(g.saved.length, 'failure')}`,
};

function directFinding(input: RuleInput): Finding | null {
  const g = group(input, 'no-prestop-drain');
  if (g.failures.length === 0) return null;
  const byName = timelineByPod(input);
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const first = minOf(list.map(failureAtMs));
    const last = maxOf(list.map(failureAtMs));
    const parts = [`${pod}: ${plural(list.length, 'request')} on new connections failed (${kindsText(list)}) ${span(first, last)}`];
    parts.push(...terminationStory(t));
    return parts.join('; ');
  });
  evidence.push('The app stopped accepting new connections while the Service still routed them to it.');
  return {
    id: 'no-prestop-drain',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} failed on new connections to pods that had stopped accepting but were still routed`,
    evidence,
    fix: FIXES['no-prestop-drain'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}

/**
 * terminationStory tells when a pod got SIGTERM and when routing to it
 * stopped, as precisely as the events allow: an unknown SIGTERM time is an
 * interval, and on a cluster routing stops as the slice turns the endpoint
 * not ready (it stays in the slice until the pod object is gone).
 */
function terminationStory(t: PodTimeline | undefined): string[] {
  if (!t) return [];
  const parts: string[] = [];
  if (t.sigtermMs !== null) {
    if (t.sigtermLatestMs !== null) {
      parts.push(`it got SIGTERM at an unknown moment between ${formatAt(t.sigtermMs)} and ${formatAt(t.sigtermLatestMs)}, when its preStop hook ended (the API does not show that)`);
    } else {
      const preStop = t.prestopStartMs !== null ? `after a preStop hook of ${formatDuration((t.prestopEndMs ?? t.sigtermMs) - t.prestopStartMs)}` : 'with no preStop hook';
      parts.push(`it got SIGTERM at ${formatAt(t.sigtermMs)} ${preStop}`);
    }
  }
  const stop = t.routingStoppedMs;
  if (stop === null) {
    parts.push('no endpoint change was recorded');
    return parts;
  }
  const lag = t.sigtermMs !== null && t.sigtermLatestMs === null && stop > t.sigtermMs ? `, ${formatDuration(stop - t.sigtermMs)} after its SIGTERM` : '';
  if (t.routingFromSlice) {
    parts.push(`its endpoint turned terminating (ready: false) at ${formatAt(stop)}${lag}; the proxies stop routing new connections to it only as they apply that`);
  } else if (lag) {
    parts[parts.length - 1] += `, but stayed in the endpoints until ${formatAt(stop)}${lag}`;
  } else {
    parts.push(`it left the endpoints at ${formatAt(stop)}`);
  }
  return parts;
}
