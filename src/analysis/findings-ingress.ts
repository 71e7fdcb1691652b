import type { FailureRecord, Finding, FindingId } from '../results/types.js';
import { createPodIndex } from './attribution.js';
import type { FindingInput } from './findings.js';
import { FIXES } from './findings.js';
import { formatAt, formatDuration, plural } from './format.js';
import {
  createIngressIndex,
  ingressRemovedMs,
  methodCounts,
  podTimelineOf,
  proxiedFailure,
  RELOAD_WINDOW_MS,
  savedRequests,
  seenThrough,
  type IngressIndex,
  type SavedRequest,
} from './front-door.js';
import { failureAtMs } from './windows.js';

/** FRONT_DOOR_FINDINGS are the findings whose cause is the proxy's own (issue 12). */
const FRONT_DOOR_FINDINGS: readonly FindingId[] = ['upstream-keepalive-reset', 'no-ready-endpoints', 'ingress-lag', 'ingress-reload'];

/** SHARED_CAUSES are root causes direct failures have too: behind a proxy its retries may hide every failure of them. */
const SHARED_CAUSES: readonly FindingId[] = ['no-prestop-drain', 'not-ready-traffic'];

interface Group {
  failures: FailureRecord[];
  /** unpodded: failures no pod could be named for (a 503 with no endpoint behind it). */
  unpodded: FailureRecord[];
  pods: Map<string, { failed: FailureRecord[]; saved: SavedRequest[] }>;
  saved: SavedRequest[];
}

/**
 * ingressFindings builds the front-door findings (upstream-keepalive-reset,
 * no-ready-endpoints, ingress-lag) from the failures the analysis gave those
 * causes and from the requests a proxy's retry saved, and adds to the other
 * findings how many of their failures were seen through a proxy and how many
 * more a retry hid. `others` is changed in place.
 */
export function ingressFindings(input: FindingInput, others: Finding[]): Finding[] {
  const ix = createIngressIndex(input.results.events);
  const saved = savedRequests(input.results, createPodIndex(input.results.events, input.timelines), ix);
  if (saved.length === 0 && !input.causes.some((c) => c !== undefined && FRONT_DOOR_FINDINGS.includes(c))) return [];
  const proxy = ix.proxy ?? input.results.failures.find(proxiedFailure)?.answeredBy ?? 'the proxy';
  for (const f of others) addProxyEvidence(f, input, saved, proxy);
  const hiddenOnly = SHARED_CAUSES.filter((id) => !others.some((f) => f.id === id)).map((id) => build(id, groupOf(input, saved, id), input, ix, proxy));
  return [...FRONT_DOOR_FINDINGS.map((id) => build(id, groupOf(input, saved, id), input, ix, proxy)), ...hiddenOnly].filter((f): f is Finding => f !== null);
}

function groupOf(input: FindingInput, saved: readonly SavedRequest[], id: FindingId): Group {
  const g: Group = { failures: [], unpodded: [], pods: new Map(), saved: saved.filter((s) => s.cause === id) };
  const at = (pod: string) => {
    let e = g.pods.get(pod);
    if (!e) g.pods.set(pod, (e = { failed: [], saved: [] }));
    return e;
  };
  input.causes.forEach((c, i) => {
    const f = input.results.failures[i];
    if (c !== id || !f) return;
    g.failures.push(f);
    const pod = input.pods[i];
    if (pod !== undefined) at(pod).failed.push(f);
    else g.unpodded.push(f);
  });
  for (const s of g.saved) if (s.pod !== undefined) at(s.pod).saved.push(s);
  return g;
}

function build(id: FindingId, g: Group, input: FindingInput, ix: IngressIndex, proxy: string): Finding | null {
  if (g.failures.length === 0 && g.saved.length === 0) return null;
  const evidence = [...g.pods].map(([pod, e]) => podLine(id, pod, e, input, ix, proxy));
  if (g.unpodded.length > 0) {
    const times = g.unpodded.map(failureAtMs);
    const when = `between ${formatAt(Math.min(...times))} and ${formatAt(Math.max(...times))}`;
    evidence.push(
      id === 'no-ready-endpoints'
        ? `${plural(g.unpodded.length, 'request')} (${methodCounts(g.unpodded.map((f) => f.method))}) got 503 from ${proxy} ${when}, while the ingress had no ready endpoint at all`
        : id === 'ingress-reload'
          ? `${plural(g.unpodded.length, 'request')} (${methodCounts(g.unpodded.map((f) => f.method))}) on reused connections to ${proxy} failed ${when} (${kindsOf(g.unpodded)}), each within ${formatDuration(RELOAD_WINDOW_MS)} after a reload; the pods never saw them`
          : `${plural(g.unpodded.length, 'request')} (${methodCounts(g.unpodded.map((f) => f.method))}) failed through ${proxy} ${when}; no upstream header named their pod`,
    );
  }
  evidence.push(retryLine(g, proxy));
  const failedMethods = [...new Set(g.failures.map((f) => f.method ?? 'GET'))];
  return {
    id,
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: title(id, g, proxy),
    evidence,
    fix: FIXES[id],
    pods: [...g.pods.keys()],
    failures: g.failures.length,
    data: { hiddenByRetry: g.saved.length, seenByUsers: g.failures.length, failedMethods: failedMethods.join(','), proxy },
  };
}

function title(id: FindingId, g: Group, proxy: string): string {
  const failed = plural(g.failures.length, 'request');
  const hidden = g.saved.length > 0 ? ` (${proxy}'s retries hid ${g.saved.length} more)` : '';
  switch (id) {
    case 'upstream-keepalive-reset':
      return `${failed} failed when pods cut ${proxy}'s pooled keep-alive connections at shutdown${hidden}`;
    case 'no-ready-endpoints':
      return `${failed} got 503 from ${proxy}: no ready endpoint was left`;
    case 'no-prestop-drain':
      return g.failures.length > 0
        ? `${failed} failed on pods that had stopped accepting but were still routed${hidden}`
        : `Pods stopped accepting while the Service still routed them: ${proxy}'s retries hid ${plural(g.saved.length, 'failure')}`;
    case 'not-ready-traffic':
      return `New pods refused requests before they were really ready: ${failed} failed${hidden}`;
    case 'ingress-reload':
      return `${failed} failed on client keep-alive connections ${proxy} closed when it reloaded its configuration`;
    default:
      return g.failures.length > 0
        ? `${failed} failed because the ingress kept routing to pods after the Service had removed them${hidden}`
        : `The ingress kept routing to pods after they stopped serving: ${proxy}'s retries hid ${plural(g.saved.length, 'failure')}`;
  }
}

function podLine(id: FindingId, pod: string, e: { failed: FailureRecord[]; saved: SavedRequest[] }, input: FindingInput, ix: IngressIndex, proxy: string): string {
  const t = podTimelineOf(input.timelines, pod);
  const seen = e.failed.length > 0 ? `${plural(e.failed.length, 'request')} failed (${methodCounts(e.failed.map((f) => f.method))}; ${[...new Set(e.failed.map((f) => seenThrough(f, proxy)))].join('; ')})` : 'no request failed';
  const saved = e.saved.length > 0 ? `, ${e.saved.length} more saved by a retry on another pod (${methodCounts(e.saved.map((s) => s.record.method))})` : '';
  const parts = [`${pod}: ${seen}${saved}`];
  if (t?.sigtermMs != null) parts.push(`SIGTERM at ${formatAt(t.sigtermMs)}${t.exitedMs !== null ? `, exited at ${formatAt(t.exitedMs)}` : ''}`);
  if (id === 'ingress-lag' && t) {
    const removed = ingressRemovedMs(ix, pod);
    if (t.endpointRemovedMs !== null && removed !== null) {
      parts.push(`the Service removed it at ${formatAt(t.endpointRemovedMs)}, the ingress only at ${formatAt(removed)} (${formatDuration(removed - t.endpointRemovedMs)} later)`);
    }
    if (t.prestopStartMs !== null && t.prestopEndMs !== null) parts.push(`its preStop hook lasted ${formatDuration(t.prestopEndMs - t.prestopStartMs)}`);
  }
  return parts.join('; ');
}

// What each proxy's default retry re-sends, so the reader knows why some methods got through and others did not.
const RETRY_RULE: Record<string, string> = {
  nginx: 'nginx passes a request to the next pod on a connection error or timeout, but never a non-idempotent one (POST) it had already sent, so a POST cut mid-request reaches the user',
  haproxy: 'HAProxy retries only connections that failed before the request was sent (retry-on conn-failure), so any request cut mid-way reaches the user: as a 502, or as a client connection closed without an answer when its server connection was a reused one',
};

function retryLine(g: Group, proxy: string): string {
  const users = g.failures.length > 0 ? `users saw ${plural(g.failures.length, 'failure')} (${methodCounts(g.failures.map((f) => f.method))})` : 'users saw no failure';
  return g.saved.length > 0
    ? `${proxy} retried ${plural(g.saved.length, 'request')} on another pod (${methodCounts(g.saved.map((s) => s.record.method))}), so ${users}; ${RETRY_RULE[proxy] ?? 'a proxy re-sends only what it may safely send again'}.`
    : `${users}: nothing was saved by a retry.`;
}

function kindsOf(failures: readonly FailureRecord[]): string {
  return [...new Set(failures.map((f) => f.kind))].join(', ');
}

/** addProxyEvidence says, on a finding about a shared root cause, how many of its failures came through a proxy and how many a retry hid. */
function addProxyEvidence(f: Finding, input: FindingInput, saved: readonly SavedRequest[], proxy: string): void {
  const proxied = input.results.failures.filter((r, i) => input.causes[i] === f.id && proxiedFailure(r));
  const hidden = saved.filter((s) => s.cause === f.id);
  if (proxied.length === 0 && hidden.length === 0) return;
  if (proxied.length > 0) {
    const statuses = [...new Set(proxied.map((r) => r.status))].join('/');
    f.evidence.push(`${plural(proxied.length, 'of these failures', 'of these failures')} ${proxied.length === 1 ? 'was' : 'were'} seen through ${proxy} as ${statuses} (${methodCounts(proxied.map((r) => r.method))}).`);
  }
  if (hidden.length > 0) f.evidence.push(`${proxy}'s retries hid ${plural(hidden.length, 'more request')} (${methodCounts(hidden.map((s) => s.record.method))}).`);
  f.data = { ...f.data, hiddenByProxyRetry: hidden.length };
}
