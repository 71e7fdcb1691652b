// Pod time: where a moment falls in a pod's life. The slack constants, the
// pod index (events and termination/startup windows by pod, for look-ups per
// failure), and the lookups every part of the analysis shares: when a pod's
// termination starts and ends, until when it was routed, whether it was
// starting, killed at its grace period, or lost a sidecar first.
import type { ClusterEvent } from '../results/events.js';
import { isPodEvent } from '../results/events.js';
import type { PodTimeline } from './pod-timeline.js';

/** EXIT_SLACK_MS is how long after a pod's exit a failure still counts as its doing (sockets die a little later). */
export const EXIT_SLACK_MS = 500;
/** READY_SLACK_MS is how long after a pod became ready its failures still count as "not really ready". */
export const READY_SLACK_MS = 2000;
/** SLICE_PROPAGATION_MS is how long after a slice turned an endpoint not ready the proxies (kube-proxy, ingress) may still route to it. */
export const SLICE_PROPAGATION_MS = 2000;
/** NEAR_EVENT_MS is how far a failure may be from a pod event and still be called near it. */
export const NEAR_EVENT_MS = 2000;
/** KILL_SLACK_MS lets a failure observed just before the recorded SIGKILL still count as the kill's. */
export const KILL_SLACK_MS = 50;
/**
 * INFERRED_KILL_SLACK_MS is KILL_SLACK_MS for a pod whose termination times were
 * deduced from a watch (a cluster): its SIGKILL is "deletion seen + grace period"
 * or the exit seen, each later than the kubelet's real kill by the watch's lag,
 * so the connections the kill cut failed up to that long before the recorded time.
 * A crash seen through a watch (an exit with no termination) is as late.
 */
export const INFERRED_KILL_SLACK_MS = 1000;
/**
 * SIDECAR_EXIT_SLACK_MS lets failures a little before a sidecar's observed exit
 * count as its doing: the kubelet reports a container's exit to the API after it
 * happened, so the connections die before rollcheck sees the status.
 */
export const SIDECAR_EXIT_SLACK_MS = 1000;

/** PodEvent is a cluster event about one pod. */
export type PodEvent = Extract<ClusterEvent, { pod: string }>;

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

/** killSlackMs is how long before a pod's recorded SIGKILL a failure may fall and still be the kill's (see INFERRED_KILL_SLACK_MS). */
export function killSlackMs(t: PodTimeline): number {
  return t.inferred || t.watched ? INFERRED_KILL_SLACK_MS : KILL_SLACK_MS;
}

/** atKill tells whether a failure at `atMs` fell at the pod's SIGKILL (or exit): from just before it to the end of its termination window. */
export function atKill(t: PodTimeline, atMs: number): boolean {
  const killMs = t.sigkillMs ?? t.exitedMs ?? 0;
  return atMs >= killMs - killSlackMs(t) && atMs <= terminationEndMs(t);
}

/** sigkilledAtGrace tells whether a pod was killed because it outlived its grace period after SIGTERM. */
export function sigkilledAtGrace(t: PodTimeline): boolean {
  if (t.sigkillMs !== null && t.sigtermMs !== null) return true;
  // The kube driver cannot see the SIGKILL: exit 137 about one grace period after SIGTERM says the same.
  if (t.sigtermMs === null || t.exitedMs === null || t.graceMs === null) return false;
  const killedBySignal = t.exitCode === 137 || t.exitSignal === 'SIGKILL';
  const afterMs = t.exitedMs - t.sigtermMs;
  return killedBySignal && afterMs >= t.graceMs * 0.9 - 100;
}

/** firstSidecarExit is the first other container of the pod that exited while the app container still ran, or null. */
export function firstSidecarExit(t: PodTimeline): PodTimeline['sidecarExits'][number] | null {
  const start = terminationStartMs(t);
  const early = t.sidecarExits.filter((s) => (start === null || s.atMs >= start - SIDECAR_EXIT_SLACK_MS) && (t.exitedMs === null || s.atMs < t.exitedMs));
  return early.sort((a, b) => a.atMs - b.atMs)[0] ?? null;
}

/**
 * sidecarCaused tells whether a failure at `atMs` fell after a sidecar of its
 * pod exited and before the app container did: the container that carried the
 * traffic into the pod was gone while the app still ran (the classic mesh
 * proxy shutdown race).
 */
export function sidecarCaused(t: PodTimeline, atMs: number): boolean {
  const first = firstSidecarExit(t);
  if (!first) return false;
  return atMs >= first.atMs - SIDECAR_EXIT_SLACK_MS && atMs <= (t.exitedMs ?? Number.POSITIVE_INFINITY) + EXIT_SLACK_MS;
}
