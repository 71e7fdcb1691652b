// The kit for findings seen through a proxy: a finding built from
// the failures a cause got behind a proxy and from the requests the proxy's
// retries saved, pod by pod, with what the proxy's retry rule let through.
// The front-door rules (findings-upstream-keepalive-reset.ts, …) and the
// hidden-only forms of shared causes are built with it.
import { OUTCOME_TRAITS, type FailureRecord, type Finding, type FindingId } from '../results/types.js';
import { timelineByPod, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, plural } from './format.js';
import { methodCounts, proxiedFailure, seenThrough, type IngressIndex, type ProxyView, type SavedRequest } from './front-door.js';
import type { PodTimeline } from './pod-timeline.js';
import { failureAtMs } from './windows.js';

/** ProxyGroup is one cause's failures and saved requests behind a proxy, by pod. */
export interface ProxyGroup {
  failures: FailureRecord[];
  /** unpodded: failures no pod could be named for (a 503 with no endpoint behind it). */
  unpodded: FailureRecord[];
  pods: Map<string, { failed: FailureRecord[]; saved: SavedRequest[] }>;
  saved: SavedRequest[];
}

/** ProxyFindingSpec is what one finding built through a proxy says of its own. */
export interface ProxyFindingSpec {
  id: FindingId;
  /** title words the finding; `failed` is "3 requests", `hidden` " (nginx's retries hid 2 more)" or ''. */
  title(g: ProxyGroup, proxy: string, words: { failed: string; hidden: string }): string;
  /** unpodded words the failures no pod was named for: `count` is "3 requests (2 GET, 1 POST)", `when` "between … and …". */
  unpodded?(g: ProxyGroup, proxy: string, words: { count: string; when: string }): string;
  /** podParts adds the finding's own lines about one pod. */
  podParts?(t: PodTimeline, ix: IngressIndex): string[];
  /** fix is the finding's fix for this run, when it differs from FIXES[id] (e.g. by the proxy's upstream protocol). */
  fix?(input: RuleInput): string;
}

/** proxyFinding builds a finding from the failures and the saved requests of `spec.id` behind the run's proxy, or null without either. */
export function proxyFinding(spec: ProxyFindingSpec, input: RuleInput): Finding | null {
  const proxy = input.proxy.name;
  const g = groupOf(input, spec.id);
  if (g.failures.length === 0 && g.saved.length === 0) return null;
  const byName = timelineByPod(input);
  const evidence = [...g.pods].map(([pod, e]) => podLine(spec, pod, e, byName.get(pod), input.proxy));
  if (g.unpodded.length > 0) {
    const times = g.unpodded.map(failureAtMs);
    const when = `between ${formatAt(Math.min(...times))} and ${formatAt(Math.max(...times))}`;
    const count = `${plural(g.unpodded.length, 'request')} (${methodCounts(g.unpodded.map((f) => f.method))})`;
    evidence.push(
      spec.unpodded?.(g, proxy, { count, when }) ?? `${count} failed through ${proxy} ${when}; no upstream header named their pod`,
    );
  }
  evidence.push(retryLine(g, proxy));
  const failedMethods = [...new Set(g.failures.map((f) => f.method ?? 'GET'))];
  const failed = plural(g.failures.length, 'request');
  const hidden = g.saved.length > 0 ? ` (${proxy}'s retries hid ${g.saved.length} more)` : '';
  return {
    id: spec.id,
    // Streams refused unprocessed are retried unseen by a standard HTTP/2 or gRPC client: not critical on their own.
    severity: g.failures.some((f) => OUTCOME_TRAITS[f.kind].neverProcessed !== true) ? 'critical' : 'warning',
    title: spec.title(g, proxy, { failed, hidden }),
    evidence,
    fix: spec.fix?.(input) ?? FIXES[spec.id],
    pods: [...g.pods.keys()],
    failures: g.failures.length,
    data: { hiddenByRetry: g.saved.length, seenByUsers: g.failures.length, failedMethods: failedMethods.join(','), proxy },
  };
}

function groupOf(input: RuleInput, id: FindingId): ProxyGroup {
  const g: ProxyGroup = { failures: [], unpodded: [], pods: new Map(), saved: input.proxy.saved.filter((s) => s.cause === id) };
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

function podLine(spec: ProxyFindingSpec, pod: string, e: { failed: FailureRecord[]; saved: SavedRequest[] }, t: PodTimeline | undefined, view: ProxyView): string {
  const proxy = view.name;
  const seen = e.failed.length > 0 ? `${plural(e.failed.length, 'request')} failed (${methodCounts(e.failed.map((f) => f.method))}; ${[...new Set(e.failed.map((f) => seenThrough(f, proxy)))].join('; ')})` : 'no request failed';
  const saved = e.saved.length > 0 ? `, ${e.saved.length} more saved by a retry on another pod (${methodCounts(e.saved.map((s) => s.record.method))})` : '';
  const parts = [`${pod}: ${seen}${saved}`];
  if (t?.sigtermMs != null) parts.push(`SIGTERM at ${formatAt(t.sigtermMs)}${t.exitedMs !== null ? `, exited at ${formatAt(t.exitedMs)}` : ''}`);
  if (t && spec.podParts) parts.push(...spec.podParts(t, view.ix));
  return parts.join('; ');
}

// What each proxy's default retry re-sends, so the reader knows why some methods got through and others did not.
const RETRY_RULE: Record<string, string> = {
  nginx: 'nginx passes a request to the next pod on a connection error or timeout, but never a non-idempotent one (POST) it had already sent, so a POST cut mid-request reaches the user',
  haproxy: 'HAProxy retries only connections that failed before the request was sent (retry-on conn-failure), so any request cut mid-way reaches the user: as a 502, or as a client connection closed without an answer when its server connection was a reused one',
};

function retryLine(g: ProxyGroup, proxy: string): string {
  const users = g.failures.length > 0 ? `users saw ${plural(g.failures.length, 'failure')} (${methodCounts(g.failures.map((f) => f.method))})` : 'users saw no failure';
  return g.saved.length > 0
    ? `${proxy} retried ${plural(g.saved.length, 'request')} on another pod (${methodCounts(g.saved.map((s) => s.record.method))}), so ${users}; ${RETRY_RULE[proxy] ?? 'a proxy re-sends only what it may safely send again'}.`
    : `${users}: nothing was saved by a retry.`;
}

/** addProxyEvidence says, on a finding about a shared root cause, how many of its failures came through a proxy and how many a retry hid. */
export function addProxyEvidence(f: Finding, input: RuleInput): void {
  const proxy = input.proxy.name;
  const proxied = input.results.failures.filter((r, i) => input.causes[i] === f.id && proxiedFailure(r));
  const hidden = input.proxy.saved.filter((s) => s.cause === f.id);
  if (proxied.length === 0 && hidden.length === 0) return;
  if (proxied.length > 0) {
    const statuses = [...new Set(proxied.map((r) => r.status))].join('/');
    f.evidence.push(`${plural(proxied.length, 'of these failures', 'of these failures')} ${proxied.length === 1 ? 'was' : 'were'} seen through ${proxy} as ${statuses} (${methodCounts(proxied.map((r) => r.method))}).`);
  }
  if (hidden.length > 0) f.evidence.push(`${proxy}'s retries hid ${plural(hidden.length, 'more request')} (${methodCounts(hidden.map((s) => s.record.method))}).`);
  f.data = { ...f.data, hiddenByProxyRetry: hidden.length };
}
