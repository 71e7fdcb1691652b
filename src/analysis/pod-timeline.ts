import type { ClusterEvent } from '../results/events.js';
import { isPodEvent, type Pid1Facts, type Pid1UnknownReason } from '../results/events.js';

/** PodState is what a pod is doing at a moment, in lifecycle order. */
export type PodState =
  | 'starting'
  | 'running'
  | 'ready'
  | 'not-ready'
  | 'terminating'
  | 'prestop'
  | 'sigterm'
  | 'sigkilled'
  | 'exited'
  | 'deleted';

/** PodSpan is one state of one pod from `startMs` to `endMs` (null while it lasts). */
export interface PodSpan {
  state: PodState;
  startMs: number;
  endMs: number | null;
}

/** PodTimeline is one pod's life as the events tell it. */
export interface PodTimeline {
  pod: string;
  revision: string | null;
  createdMs: number | null;
  readyMs: number | null;
  terminatingMs: number | null;
  endpointRemovedMs: number | null;
  /** endpointNotReadyMs is when its endpoint turned not ready while terminating (the EndpointSlice's ready: false, terminating: true). */
  endpointNotReadyMs: number | null;
  /**
   * routingStoppedMs is when the Service stopped sending it new connections, as
   * far as the events show: the slice turning not ready on a cluster (proxies
   * apply it a little later), the proxy's own endpoint-removed where the
   * runtime said it still routed until then.
   */
  routingStoppedMs: number | null;
  /** routingFromSlice is true when routingStoppedMs is the slice change, not the proxy's own removal. */
  routingFromSlice: boolean;
  prestopStartMs: number | null;
  prestopEndMs: number | null;
  sigtermMs: number | null;
  /** sigtermLatestMs is set when the SIGTERM time is unknown: it came in [sigtermMs, sigtermLatestMs]. */
  sigtermLatestMs: number | null;
  /** forceDeletedMs is when the pod object was force-deleted (grace 0), which is not a SIGKILL the analysis saw. */
  forceDeletedMs: number | null;
  sigkillMs: number | null;
  exitedMs: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  graceMs: number | null;
  /** terminatingReason is why the pod was terminated, when the driver said ("rollcheck is stopping", "pod deleted"). */
  terminatingReason?: string | null;
  /** exitReason is the runtime's reason for the exit, when reported ("OOMKilled", "crashed", "Error"). */
  exitReason?: string | null;
  /** pid1 is what the runtime found running as the pod's PID 1, when it could look. */
  pid1?: Pid1Facts | null;
  /** pid1Unknown is why the driver's try to inspect PID 1 found nothing (forbidden, no reader, timeout). */
  pid1Unknown?: { reason: Pid1UnknownReason; detail: string } | null;
  /** sigtermProbe is what a direct request to the pod a while after SIGTERM saw (local runtime). */
  sigtermProbe?: { answered: boolean; closing: boolean; error?: string; afterSigtermMs: number } | null;
  /** sidecarExits are the other containers' exits (a mesh proxy, a native sidecar), in order. */
  sidecarExits: Array<{ container: string; atMs: number; exitCode: number | null }>;
  /** state is the latest state. */
  state: PodState;
  spans: PodSpan[];
  /** inferred is true when any of the termination times was deduced rather than observed. */
  inferred: boolean;
  /** watched is true when the pod's steps came through a cluster's watch (events with a serverTime): their times are when the watch saw them, late by its lag. */
  watched: boolean;
}

const NEXT_STATE: Partial<Record<ClusterEvent['kind'], PodState>> = {
  'pod-created': 'starting',
  'pod-started': 'running',
  'pod-ready': 'ready',
  'pod-not-ready': 'not-ready',
  'pod-terminating': 'terminating',
  'prestop-started': 'prestop',
  sigterm: 'sigterm',
  sigkill: 'sigkilled',
  exited: 'exited',
  'pod-deleted': 'deleted',
};

// Once a pod is terminating, a late "not ready" must not move it back in the story.
const TERMINAL_ORDER: PodState[] = ['terminating', 'prestop', 'sigterm', 'sigkilled', 'exited', 'deleted'];

/** buildPodTimelines folds cluster events (any order) into one timeline per pod, in order of creation. */
export function buildPodTimelines(events: readonly ClusterEvent[]): PodTimeline[] {
  const byPod = new Map<string, PodTimeline>();
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  // A live pod's endpoint that left the slice's ready set (a blue-green switch moved the Service's
  // selector; a readiness failure), until it is ready there again.
  const outOfSlice = new Map<PodTimeline, { atMs: number; stillRouted: boolean }>();
  for (const e of sorted) {
    if (!isPodEvent(e)) continue;
    let t = byPod.get(e.pod);
    if (!t) {
      t = emptyTimeline(e.pod, e.atMs);
      byPod.set(e.pod, t);
    }
    if (e.inferred) t.inferred = true;
    if (e.serverTime !== undefined) t.watched = true;
    if (e.container === undefined && e.kind === 'endpoint-not-ready' && !e.terminating && t.terminatingMs === null && !outOfSlice.has(t)) {
      outOfSlice.set(t, { atMs: e.atMs, stillRouted: e.stillRouted === true });
    } else if (e.container === undefined && e.kind === 'endpoint-added') outOfSlice.delete(t);
    apply(t, e);
    if (e.container === undefined && e.kind === 'pod-terminating') routingStoppedBefore(t, outOfSlice.get(t));
  }
  return [...byPod.values()].sort((a, b) => (a.createdMs ?? 0) - (b.createdMs ?? 0) || a.pod.localeCompare(b.pod));
}

/**
 * routingStoppedBefore: a pod terminating while its endpoint was already out of the slice's
 * ready set stopped getting new connections then, not at its termination (the watches may show
 * a blue-green switch's slice change a moment before the scale-down's deletion).
 */
function routingStoppedBefore(t: PodTimeline, out: { atMs: number; stillRouted: boolean } | undefined): void {
  if (out === undefined || out.stillRouted || t.routingStoppedMs !== null) return;
  t.endpointNotReadyMs ??= out.atMs;
  t.routingStoppedMs = out.atMs;
  t.routingFromSlice = true;
}

function emptyTimeline(pod: string, atMs: number): PodTimeline {
  return {
    pod,
    revision: null,
    createdMs: null,
    readyMs: null,
    terminatingMs: null,
    endpointRemovedMs: null,
    endpointNotReadyMs: null,
    routingStoppedMs: null,
    routingFromSlice: false,
    prestopStartMs: null,
    prestopEndMs: null,
    sigtermMs: null,
    sigtermLatestMs: null,
    forceDeletedMs: null,
    sigkillMs: null,
    exitedMs: null,
    exitCode: null,
    exitSignal: null,
    graceMs: null,
    sidecarExits: [],
    state: 'running',
    spans: [{ state: 'running', startMs: atMs, endMs: null }],
    inferred: false,
    watched: false,
  };
}

function apply(t: PodTimeline, e: Extract<ClusterEvent, { pod: string }>): void {
  // Another container's steps are its own story; the pod's states follow the app container.
  if (e.container !== undefined) {
    if (e.kind === 'exited') t.sidecarExits.push({ container: e.container, atMs: e.atMs, exitCode: e.exitCode });
    return;
  }
  switch (e.kind) {
    case 'pod-created':
      t.revision = e.revision;
      t.createdMs = e.atMs;
      break;
    case 'pod-ready':
      t.readyMs ??= e.atMs;
      break;
    case 'pod-terminating':
      t.terminatingMs ??= e.atMs;
      t.graceMs = e.graceMs;
      t.terminatingReason ??= e.reason ?? null;
      break;
    case 'endpoint-not-ready':
      if (!e.terminating && t.terminatingMs === null) break;
      t.endpointNotReadyMs ??= e.atMs;
      if (!e.stillRouted && t.routingStoppedMs === null) {
        t.routingStoppedMs = e.atMs;
        t.routingFromSlice = true;
      }
      break;
    case 'endpoint-removed':
      t.endpointRemovedMs ??= e.atMs;
      // On a cluster a removal that comes first (the Service's selector moved off a live pod:
      // a blue-green switch) is a slice change too, which the proxies apply late.
      if (t.routingStoppedMs === null) {
        t.routingStoppedMs = e.atMs;
        t.routingFromSlice = t.watched;
      }
      break;
    case 'force-deleted':
      t.forceDeletedMs ??= e.atMs;
      break;
    case 'prestop-started':
      t.prestopStartMs ??= e.atMs;
      break;
    case 'prestop-finished':
      t.prestopEndMs ??= e.atMs;
      break;
    case 'sigterm':
      if (t.sigtermMs === null && e.latestMs !== undefined) t.sigtermLatestMs = e.latestMs;
      t.sigtermMs ??= e.atMs;
      break;
    case 'sigkill':
      t.sigkillMs ??= e.atMs;
      break;
    case 'exited':
      t.exitedMs ??= e.atMs;
      t.exitCode = e.exitCode;
      t.exitSignal = e.signal;
      t.exitReason = e.reason ?? null;
      break;
    case 'pid1':
      t.pid1 ??= e.pid1;
      break;
    case 'pid1-unknown':
      t.pid1Unknown ??= { reason: e.reason, detail: e.detail };
      break;
    case 'sigterm-probe':
      t.sigtermProbe ??= { answered: e.answered, closing: e.closing, error: e.error, afterSigtermMs: e.afterSigtermMs };
      break;
    default:
      break;
  }
  const next = NEXT_STATE[e.kind];
  if (next) moveTo(t, next, e.atMs);
  // A preStop that ends before SIGTERM leaves the pod terminating until the signal.
  if (e.kind === 'prestop-finished' && t.state === 'prestop') moveTo(t, 'terminating', e.atMs);
}

function moveTo(t: PodTimeline, state: PodState, atMs: number): void {
  const from = TERMINAL_ORDER.indexOf(t.state);
  const to = TERMINAL_ORDER.indexOf(state);
  if (from >= 0 && (to < 0 || to < from) && !(t.state === 'prestop' && state === 'terminating')) return;
  if (t.state === state) return;
  const last = t.spans[t.spans.length - 1];
  if (last) {
    if (last.startMs === atMs) t.spans.pop();
    else last.endMs = atMs;
  }
  t.spans.push({ state, startMs: atMs, endMs: null });
  t.state = state;
}
