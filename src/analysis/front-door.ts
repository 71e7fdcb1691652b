import type { ClusterEvent } from '../results/events.js';
import { OUTCOME_TRAITS, type AnsweredBy, type Attribution, type FailureRecord, type FindingId, type Results, type RetriedRecord } from '../results/types.js';
import { describeAttribution } from './attribution.js';
import type { PodTimeline } from './pod-timeline.js';
import {
  atKill,
  createPodIndex,
  EXIT_SLACK_MS,
  inStartupWindow,
  KILL_SLACK_MS,
  sigkilledAtGrace,
  terminationStartMs,
  type PodIndex,
} from './pod-time.js';
import { failureAtMs } from './windows.js';

/** PROXY_STATUSES are the statuses a proxy writes when it could not get an answer from a pod. */
const PROXY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** isProxyAnswer tells whether `who` is a proxy rather than the app. */
export function isProxyAnswer(who: AnsweredBy | undefined): who is Exclude<AnsweredBy, 'app'> {
  return who !== undefined && who !== 'app';
}

/** proxiedFailure tells whether a failure is a 502/503/504 a proxy wrote: a connection-level failure seen through the proxy. */
export function proxiedFailure(f: FailureRecord): boolean {
  return f.kind === 'http_5xx' && f.status !== undefined && PROXY_STATUSES.has(f.status) && isProxyAnswer(f.answeredBy);
}

/** seenThrough words how a proxied failure reached the client: "seen through nginx as 502". */
export function seenThrough(f: FailureRecord, proxy = 'the proxy'): string {
  if (proxiedFailure(f)) return `seen through ${f.answeredBy} as ${f.status}`;
  return `seen through ${proxy} as a client connection closed without an answer`;
}

/** upstreamAddresses reads an upstream header ("a, b : c"); names that are no address (nginx's group name when no server was left) are dropped. */
export function upstreamAddresses(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(/\s*,\s*|\s+:\s+/)
    .map((s) => s.trim())
    .filter(isAddress);
}

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d+$/;

function isAddress(s: string): boolean {
  return ADDRESS.test(s);
}

/**
 * failingPodAt is the pod that most likely failed a request the proxy retried
 * without saying where: one the ingress still routed at `atMs` that was already
 * terminating (or gone), else one whose termination window holds `atMs`;
 * never `except`, the pod that answered.
 */
function failingPodAt(pods: PodIndex, ix: IngressIndex, atMs: number, except: string | undefined): string | undefined {
  for (const pod of routedAt(ix, atMs) ?? []) {
    const t = pods.timelines.get(pod);
    const start = t ? terminationStartMs(t) : null;
    if (pod !== except && start !== null && start <= atMs) return pod;
  }
  return pods.termWindows.find((w) => w.pod !== except && atMs >= w.startMs && atMs <= w.endMs)?.pod;
}

/** IngressState is what the ingress routed to from `atMs` on. */
interface IngressState {
  atMs: number;
  endpoints: ReadonlySet<string>;
}

/** IngressIndex is the ingress events arranged for look-ups: what it routed when, and which pod each upstream address was. */
export interface IngressIndex {
  proxy: 'nginx' | 'haproxy' | null;
  states: IngressState[];
  /** reloadsMs: when the proxy reloaded its configuration (each closes idle client connections). */
  reloadsMs: number[];
  podByAddress: Map<string, string>;
}

/** createIngressIndex reads the `ingress` events of a run (an empty index when the run had no embedded ingress). */
export function createIngressIndex(events: readonly ClusterEvent[]): IngressIndex {
  const states: IngressState[] = [];
  const podByAddress = new Map<string, string>();
  const reloadsMs: number[] = [];
  let proxy: IngressIndex['proxy'] = null;
  for (const e of [...events].sort((a, b) => a.atMs - b.atMs)) {
    if (e.kind !== 'ingress') continue;
    proxy = e.proxy;
    if (e.upstreams) for (const [addr, pod] of Object.entries(e.upstreams)) podByAddress.set(addr, pod);
    if (e.endpoints) states.push({ atMs: e.atMs, endpoints: new Set(e.endpoints) });
    if (e.action === 'updated' && e.via === 'reload') reloadsMs.push(e.atMs);
  }
  return { proxy, states, podByAddress, reloadsMs };
}

/** routedAt is the ingress's endpoints at `atMs`, or undefined when no ingress state is known then. */
export function routedAt(ix: IngressIndex, atMs: number): ReadonlySet<string> | undefined {
  let found: IngressState | undefined;
  for (const s of ix.states) {
    if (s.atMs > atMs) break;
    found = s;
  }
  return found?.endpoints;
}

/** ingressRemovedMs is when the ingress stopped routing `pod` (its first state without it after it had it), or null. */
export function ingressRemovedMs(ix: IngressIndex, pod: string): number | null {
  let had = false;
  for (const s of ix.states) {
    if (s.endpoints.has(pod)) had = true;
    else if (had) return s.atMs;
  }
  return null;
}

// Which cause explains a request whose every try failed, most direct first.
const CAUSE_RANK: Partial<Record<FindingId, number>> = {
  'sigterm-ignored': 0,
  'upstream-keepalive-reset': 1,
  'no-prestop-drain': 2,
  'ingress-lag': 3,
  'not-ready-traffic': 4,
  'no-ready-endpoints': 5,
};

/** headerPods maps the addresses of an upstream header to pods, in the order the proxy tried them. */
export function headerPods(header: string | undefined, ix: IngressIndex): string[] {
  return upstreamAddresses(header).flatMap((a) => {
    const pod = ix.podByAddress.get(a);
    return pod ? [pod] : [];
  });
}

/**
 * proxiedCause picks, for a proxied failure, the pod and cause behind it: the
 * tried pods from the last one back (the last try's failure is what the
 * client got, but a pod tried earlier may be the one that was cut), the first
 * with a cause; without an upstream header, the pod the windows found.
 */
export function proxiedCause(f: FailureRecord, windowPod: string | undefined, pods: PodIndex, ix: IngressIndex): { pod: string | undefined; cause: FindingId | undefined } {
  const atMs = failureAtMs(f);
  const status = f.status ?? 502;
  const tried = headerPods(f.upstream, ix).filter((p) => pods.timelines.has(p));
  // Every try failed: the pod that cut a request is a better answer than one that only refused it.
  let best: { pod: string; cause: FindingId } | undefined;
  for (const pod of [...tried].reverse()) {
    const cause = frontDoorCause(atMs, status, pod, pods, ix, true, f.startAtMs);
    if (cause !== undefined && (best === undefined || (CAUSE_RANK[cause] ?? 9) < (CAUSE_RANK[best.cause] ?? 9))) best = { pod, cause };
  }
  if (best) return best;
  const pod = tried.length > 0 ? tried[tried.length - 1] : windowPod;
  return { pod, cause: frontDoorCause(atMs, status, pod, pods, ix, tried.length > 0, f.startAtMs) };
}

/** attributeProxied attributes a proxied failure to `pod` (from proxiedCause) by its upstream header, else keeps the window attribution. */
export function attributeProxied(f: FailureRecord, index: number, base: Attribution, pod: string | undefined, pods: PodIndex, withText: boolean): Attribution {
  const byHeader = pod !== undefined && f.upstream !== undefined && pod !== base.pod;
  const a = byHeader || (pod !== undefined && f.upstream !== undefined)
    ? describeAttribution(pod, 'upstream', failureAtMs(f), withText ? `HTTP ${f.status}` : '', index, pods, withText)
    : base;
  if (withText && a.text) a.text = `${a.text} (${seenThrough(f)}${f.upstream ? `; upstream tried: ${f.upstream}` : ''})`;
  return a;
}

/**
 * frontDoorCause decides which finding a request that failed, or was saved,
 * behind a proxy counts towards, from the pod it points at and where in that
 * pod's life (and the ingress's view of it) it fell:
 * - a 503 while the ingress had no endpoint at all → no-ready-endpoints;
 * - at the SIGKILL of a pod that outlived its grace period → sigterm-ignored;
 * - while a new pod was starting → not-ready-traffic;
 * - around the pod's exit (its connections cut) → upstream-keepalive-reset;
 * - after the Service had removed the pod but while the ingress still routed
 *   it → ingress-lag;
 * - while the Service itself still routed the terminating pod → no-prestop-drain.
 */
export function frontDoorCause(atMs: number, status: number, pod: string | undefined, pods: PodIndex, ix: IngressIndex, inHeader = false, startAtMs = atMs): FindingId | undefined {
  const routed = routedAt(ix, atMs);
  if (status === 503 && routed !== undefined && routed.size === 0) return 'no-ready-endpoints';
  const t = pod !== undefined ? pods.timelines.get(pod) : undefined;
  if (!t) return undefined;
  if (sigkilledAtGrace(t) && atKill(t, atMs)) return 'sigterm-ignored';
  if (inStartupWindow(t, atMs)) return 'not-ready-traffic';
  const start = terminationStartMs(t);
  if (start === null || atMs < start) return undefined;
  // Cut: the request was already under way at the SIGTERM and failed by the pod's exit (one sent later was refused, not cut).
  const cutFromMs = t.sigtermMs ?? t.exitedMs;
  if (t.exitedMs !== null && cutFromMs !== null && startAtMs <= cutFromMs && atMs >= cutFromMs && atMs <= t.exitedMs + EXIT_SLACK_MS) {
    return 'upstream-keepalive-reset';
  }
  // A pod named in the upstream header was routed to by the proxy at that moment, whatever its last update said.
  const stillRouted = inHeader || (routed?.has(t.pod) ?? true);
  if (t.endpointRemovedMs !== null && atMs >= t.endpointRemovedMs && stillRouted) return 'ingress-lag';
  if (t.endpointRemovedMs === null || atMs < t.endpointRemovedMs) return 'no-prestop-drain';
  return undefined;
}

/** RELOAD_WINDOW_MS is how long after a proxy reload a request on a closed client connection still counts as the reload's. */
export const RELOAD_WINDOW_MS = 1000;

/**
 * clientSideCause explains a connection-level failure in a run behind the
 * embedded ingress: the client's connections go to the proxy, never to a pod,
 * so a pod's shutdown cannot cut them. One cut (its kind's trait: the
 * connection died under it, on the client's side of the proxy) on a reused
 * connection within RELOAD_WINDOW_MS after a reload met a connection the
 * reload closed.
 */
export function clientSideCause(f: FailureRecord, ix: IngressIndex): FindingId | undefined {
  // A reloading nginx's old workers GOAWAY their client connections, new ones too (last-stream-id 0): refused unprocessed.
  const refused = OUTCOME_TRAITS[f.kind].neverProcessed === true;
  if (!refused && (!f.reused || !OUTCOME_TRAITS[f.kind].cut)) return undefined;
  return ix.reloadsMs.some((r) => f.startAtMs >= r - KILL_SLACK_MS && f.startAtMs <= r + RELOAD_WINDOW_MS) ? 'ingress-reload' : undefined;
}

/** SavedRequest is a request a proxy's retry saved, with the pod that failed it and the cause that would have failed it. */
export interface SavedRequest {
  record: RetriedRecord;
  pod: string | undefined;
  cause: FindingId | undefined;
}

/** savedRequests reads the run's retried requests and gives each its pod and cause. */
export function savedRequests(results: Results, pods: PodIndex, ix: IngressIndex): SavedRequest[] {
  return (results.retried ?? []).map((record) => {
    // The first pod tried failed it; its retry counts like a 502, a failure at the connection level.
    const startAtMs = record.startAtMs ?? record.endAtMs;
    const named = isAddress(record.upstream.split(',')[0]?.trim() ?? '');
    // HAProxy does not say which server failed first ("-, addr"): the pod terminating then, but the one that answered.
    const pod = named ? headerPods(record.upstream, ix)[0] : failingPodAt(pods, ix, startAtMs, headerPods(record.upstream, ix).at(-1));
    return { record, pod, cause: frontDoorCause(record.endAtMs, 502, pod, pods, ix, named, startAtMs) };
  });
}

/** methodCounts writes "3 POST, 1 GET" for a list of methods. */
export function methodCounts(methods: ReadonlyArray<string | undefined>): string {
  const counts = new Map<string, number>();
  for (const m of methods) counts.set(m ?? 'GET', (counts.get(m ?? 'GET') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n} ${m}`).join(', ');
}

/** ProxyView is what the findings read about a run's proxy, computed once: its index, the requests its retries saved, its name. */
export interface ProxyView {
  ix: IngressIndex;
  saved: SavedRequest[];
  /** name is the proxy as the findings call it: the embedded ingress, else who answered a proxied failure, else "the proxy". */
  name: string;
}

/** createProxyView reads a run's proxy for the findings (an empty view for a run without one). */
export function createProxyView(results: Results, timelines: readonly PodTimeline[]): ProxyView {
  const ix = createIngressIndex(results.events);
  const saved = savedRequests(results, createPodIndex(results.events, timelines), ix);
  const name = ix.proxy ?? results.failures.find(proxiedFailure)?.answeredBy ?? 'the proxy';
  return { ix, saved, name };
}
