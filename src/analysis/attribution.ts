import type { Attribution, FailureRecord } from '../results/types.js';
import type { PodTimeline } from './pod-timeline.js';
import { eventPredicate, failureNoun, formatDuration, relation } from './format.js';
import { failureAtMs } from './windows.js';
import {
  EXIT_SLACK_MS,
  NEAR_EVENT_MS,
  nearestEvent,
  READY_SLACK_MS,
  routedUntilMs,
  sidecarCaused,
  type PodEvent,
  type PodIndex,
} from './pod-time.js';

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
