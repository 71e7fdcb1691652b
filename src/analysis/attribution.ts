import type { ClusterEvent } from '../results/events.js';
import { isPodEvent } from '../results/events.js';
import type { Attribution, FailureRecord } from '../results/types.js';
import type { PodTimeline } from './pod-timeline.js';
import { eventPredicate, failureNoun, formatDuration, relation } from './format.js';
import { failureAtMs } from './windows.js';
import { sidecarCaused } from './findings-sidecar.js';

/** EXIT_SLACK_MS is how long after a pod's exit a failure still counts as its doing (sockets die a little later). */
export const EXIT_SLACK_MS = 500;
/** READY_SLACK_MS is how long after a pod became ready its failures still count as "not really ready". */
export const READY_SLACK_MS = 2000;
/** SLICE_PROPAGATION_MS is how long after a slice turned an endpoint not ready the proxies (kube-proxy, ingress) may still route to it. */
export const SLICE_PROPAGATION_MS = 2000;
/** NEAR_EVENT_MS is how far a failure may be from a pod event and still be called near it. */
export const NEAR_EVENT_MS = 2000;

type PodEvent = Extract<ClusterEvent, { pod: string }>;

/** PodIndex is the cluster events arranged for fast look-ups by pod and time. */
export interface PodIndex {
  timelines: Map<string, PodTimeline>;
  /** each pod's events, sorted by time. */
  eventsByPod: Map<string, PodEvent[]>;
  /** every pod event, sorted by time. */
  podEvents: PodEvent[];
  /** each pod's termination window, computed once (attribution looks it up per failure). */
  termWindows: Array<{ pod: string; startMs: number; endMs: number }>;
  /** each pod's startup window (see inStartupWindow), computed once; endMs is exclusive. */
  startWindows: Array<{ pod: string; startMs: number; endMs: number }>;
}

// The PID 1 inspection (or why there was none) and the probe after SIGTERM are observations, not lifecycle steps: never the "nearest event".
const OBSERVATIONS: ReadonlySet<string> = new Set(['pid1', 'pid1-unknown', 'sigterm-probe']);

/** createPodIndex arranges events and timelines for attribution. */
export function createPodIndex(events: readonly ClusterEvent[], timelines: readonly PodTimeline[]): PodIndex {
  const podEvents = events.filter(isPodEvent).filter((e) => !OBSERVATIONS.has(e.kind)).sort((a, b) => a.atMs - b.atMs);
  const eventsByPod = new Map<string, PodEvent[]>();
  for (const e of podEvents) {
    const list = eventsByPod.get(e.pod) ?? [];
    list.push(e);
    eventsByPod.set(e.pod, list);
  }
  const termWindows = timelines.flatMap((t) => {
    const startMs = terminationStartMs(t);
    return startMs === null ? [] : [{ pod: t.pod, startMs, endMs: terminationEndMs(t) }];
  });
  const startWindows = timelines.flatMap((t) => {
    if (t.createdMs === null) return [];
    const term = terminationStartMs(t) ?? Number.POSITIVE_INFINITY;
    const ready = t.readyMs === null ? Number.POSITIVE_INFINITY : t.readyMs + READY_SLACK_MS + 1e-9;
    return [{ pod: t.pod, startMs: t.createdMs, endMs: Math.min(term, ready) }];
  });
  return { timelines: new Map(timelines.map((t) => [t.pod, t])), eventsByPod, podEvents, termWindows, startWindows };
}

/** terminationStartMs is when a pod began to go away (the earliest termination step seen). */
export function terminationStartMs(t: PodTimeline): number | null {
  const steps = [t.terminatingMs, t.prestopStartMs, t.sigtermMs, t.sigkillMs].filter((x): x is number => x !== null);
  return steps.length ? Math.min(...steps) : null;
}

/**
 * terminationEndMs is when a pod's termination window closes: its exit, or
 * when routing to it stopped if that came later (the Service still sent new
 * connections to the dead address until then; a slice change reaches the
 * proxies up to SLICE_PROPAGATION_MS later), plus slack; open while it lives.
 * On a cluster the endpoint stays in its slice until the pod object is gone,
 * so that removal says nothing about routing and does not stretch the window.
 */
export function terminationEndMs(t: PodTimeline): number {
  const end = t.exitedMs ?? t.sigkillMs ?? t.forceDeletedMs;
  if (end === null) return Number.POSITIVE_INFINITY;
  return Math.max(end, routedUntilMs(t) ?? end) + EXIT_SLACK_MS;
}

/**
 * routedUntilMs is until when the Service may still have sent a pod new
 * connections: the proxy's own removal of its endpoint (embedded runtime), or
 * the slice turning it not ready plus SLICE_PROPAGATION_MS (a cluster); null
 * while nothing has stopped the routing.
 */
export function routedUntilMs(t: PodTimeline): number | null {
  if (t.routingStoppedMs === null) return null;
  return t.routingStoppedMs + (t.routingFromSlice ? SLICE_PROPAGATION_MS : 0);
}

/** inStartupWindow tells whether `atMs` falls between a pod's creation and shortly after it became ready. */
export function inStartupWindow(t: PodTimeline, atMs: number): boolean {
  if (t.createdMs === null || atMs < t.createdMs) return false;
  const term = terminationStartMs(t);
  if (term !== null && atMs >= term) return false;
  return t.readyMs === null || atMs <= t.readyMs + READY_SLACK_MS;
}

/** nearestEvent finds the event closest in time to `atMs` (ties go to the earlier one). */
export function nearestEvent<E extends { atMs: number }>(sorted: readonly E[], atMs: number): E | undefined {
  if (sorted.length === 0) return undefined;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.atMs ?? 0) <= atMs) lo = mid + 1;
    else hi = mid;
  }
  const before = sorted[lo - 1];
  const after = sorted[lo];
  if (!before) return after;
  if (!after) return before;
  return atMs - before.atMs <= after.atMs - atMs ? before : after;
}

/**
 * attributeFailure links one failure to the pod most likely behind it: the pod
 * last seen on its connection; else the pod whose termination window (first
 * termination step .. exit + EXIT_SLACK_MS) contains it, the one with the
 * nearest event when several overlap; else a pod still starting up. The text
 * names the nearest lifecycle event of that pod and, when it is not the
 * SIGTERM, the distance to the SIGTERM too. Without `withText` the text is
 * left empty (runs with many failures store only the first ones' texts).
 */
export function attributeFailure(f: FailureRecord, index: number, pods: PodIndex, withText = true): Attribution {
  const atMs = failureAtMs(f);
  const noun = withText ? failureNoun(f) : '';
  // A pod header value that names no pod of the run (another header, a host name) falls back to the windows.
  const known = f.pod !== undefined && (pods.timelines.size === 0 || pods.timelines.has(f.pod));
  if (f.pod !== undefined && known) return describeAttribution(f.pod, 'connection', atMs, noun, index, pods, withText);
  let terminating: string[] = [];
  for (const w of pods.termWindows) if (atMs >= w.startMs && atMs <= w.endMs) terminating.push(w.pod);
  const startingPods: string[] = [];
  for (const w of pods.startWindows) if (atMs >= w.startMs && atMs < w.endMs) startingPods.push(w.pod);
  if (terminating.length > 0 && startingPods.length > 0 && !f.reused) {
    // In both windows: endpoint state decides. A new connection can fail on a terminating pod only while
    // it is still routed and no longer serving; a new pod is suspect once it went not-ready again.
    terminating = terminating.filter((p) => couldFailNewConnection(pods.timelines.get(p), atMs));
    const faltering = startingPods.filter((p) => wentNotReady(pods, p, atMs));
    if (terminating.length > 0 && faltering.length > 0) {
      return ambiguous({ terminating, starting: faltering }, { atMs, noun, index }, pods, withText);
    }
  }
  const pick = closest(terminating, atMs, pods);
  if (pick) return describeAttribution(pick, 'termination-window', atMs, noun, index, pods, withText);
  const starting = closest(startingPods, atMs, pods);
  if (starting) return describeAttribution(starting, 'startup-window', atMs, noun, index, pods, withText);
  const near = nearestEvent(pods.podEvents, atMs);
  if (near && Math.abs(atMs - near.atMs) <= NEAR_EVENT_MS) {
    const deltaMs = atMs - near.atMs;
    return {
      failure: index,
      how: 'none',
      event: { kind: near.kind, pod: near.pod, atMs: near.atMs },
      deltaMs,
      text: withText ? `${noun} ${relation(deltaMs)} ${near.pod} ${eventPredicate(near.kind)}; no pod was on that connection or terminating then` : '',
    };
  }
  return {
    failure: index,
    how: 'none',
    text: withText ? `${noun}; no pod event within ${formatDuration(NEAR_EVENT_MS)}: not explained by the rollout` : '',
  };
}

/**
 * couldFailNewConnection: a terminating pod can be behind a failed new connection
 * at `atMs` only while the Service still routes to it and it no longer serves
 * (SIGTERM sent, or gone).
 */
function couldFailNewConnection(t: PodTimeline | undefined, atMs: number): boolean {
  if (t === undefined) return true;
  const until = routedUntilMs(t);
  const routed = until === null || atMs <= until + EXIT_SLACK_MS;
  // A pod stops serving at SIGTERM, at its end, or when the sidecar that carries its traffic in has exited.
  const stopped =
    (t.sigtermMs !== null && atMs >= t.sigtermMs) ||
    (t.exitedMs !== null && atMs >= t.exitedMs) ||
    (t.sigkillMs !== null && atMs >= t.sigkillMs) ||
    sidecarCaused(t, atMs);
  return routed && stopped;
}

/** wentNotReady: a pod that had become ready was marked not ready again shortly before or after `atMs`. */
function wentNotReady(pods: PodIndex, pod: string, atMs: number): boolean {
  const readyMs = pods.timelines.get(pod)?.readyMs ?? null;
  if (readyMs === null) return false;
  return (pods.eventsByPod.get(pod) ?? []).some(
    (e) => (e.kind === 'pod-not-ready' || (e.kind === 'endpoint-not-ready' && !e.terminating)) && e.atMs > readyMs && e.atMs <= atMs + READY_SLACK_MS,
  );
}

/** ambiguous is a failure that a terminating pod and a starting pod could each explain: pinned on neither. */
function ambiguous(
  candidates: { terminating: readonly string[]; starting: readonly string[] },
  failure: { atMs: number; noun: string; index: number },
  pods: PodIndex,
  withText: boolean,
): Attribution {
  const { terminating, starting } = candidates;
  const { atMs, noun, index } = failure;
  const near = nearestEvent(pods.podEvents, atMs);
  const a: Attribution = { failure: index, how: 'ambiguous', text: '' };
  if (near) {
    a.event = { kind: near.kind, pod: near.pod, atMs: near.atMs };
    a.deltaMs = atMs - near.atMs;
  }
  if (withText) {
    a.text = `${noun}; ambiguous: ${terminating.join(', ')} was terminating but still routed, and ${starting.join(', ')} had just become ready and gone not-ready again`;
  }
  return a;
}

function closest(names: readonly string[], atMs: number, pods: PodIndex): string | undefined {
  let best: string | undefined;
  let bestDelta = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const e = nearestEvent(pods.eventsByPod.get(name) ?? [], atMs);
    const d = e ? Math.abs(atMs - e.atMs) : Number.POSITIVE_INFINITY;
    if (best === undefined || d < bestDelta) {
      best = name;
      bestDelta = d;
    }
  }
  return best;
}

/** describeAttribution attributes a failure to `pod` found by `how`, naming that pod's nearest lifecycle event. */
export function describeAttribution(
  pod: string,
  how: Attribution['how'],
  atMs: number,
  noun: string,
  index: number,
  pods: PodIndex,
  withText: boolean,
): Attribution {
  const event = nearestEvent(pods.eventsByPod.get(pod) ?? [], atMs);
  const via = how === 'connection' ? ` (on a connection last answered by ${pod})` : '';
  if (!event) {
    return { failure: index, pod, how, text: withText ? `${noun}${via}; no lifecycle event of ${pod} was recorded` : '' };
  }
  const deltaMs = atMs - event.atMs;
  if (!withText) return { failure: index, pod, how, event: { kind: event.kind, pod, atMs: event.atMs }, deltaMs, text: '' };
  let text = `${noun} ${relation(deltaMs)} ${pod} ${predicateOf(event)}`;
  const sigtermMs = pods.timelines.get(pod)?.sigtermMs ?? null;
  if (sigtermMs !== null && event.kind !== 'sigterm') text += `, ${relation(atMs - sigtermMs)} its SIGTERM`;
  return {
    failure: index,
    pod,
    how,
    event: { kind: event.kind, pod, atMs: event.atMs },
    deltaMs,
    text: text + via,
  };
}

function predicateOf(e: PodEvent): string {
  if (e.kind !== 'exited') return eventPredicate(e.kind);
  if (e.signal) return `was killed by ${e.signal}${e.exitCode !== null ? ` (exit ${e.exitCode})` : ''}`;
  return e.exitCode !== null ? `exited with code ${e.exitCode}` : 'exited';
}
