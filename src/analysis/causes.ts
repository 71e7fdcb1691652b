import { OUTCOME_TRAITS, type Attribution, type FailureRecord, type FindingId } from '../results/types.js';
import { grpcStatusAfterGoaway, h2Failure, h2ShutdownCause, refusedAfterGoaway, servedBefore, type ConnectionIndex } from './connection-evidence.js';
import type { PodEnd } from './termination.js';
import { failureAtMs } from './windows.js';
import {
  atKill,
  inStartupWindow,
  NEAR_EVENT_MS,
  sidecarCaused,
  terminationEndMs,
  terminationStartMs,
  type PodIndex,
} from './pod-time.js';

/**
 * connectionFailure: the request failed in the transport (its kind's layer),
 * as a connection dying under it does; an HTTP error is the app's own answer.
 */
export function connectionFailure(f: FailureRecord): boolean {
  return OUTCOME_TRAITS[f.kind].layer === 'transport';
}

/**
 * causeOf decides which finding one failure counts towards (each failure
 * counts once), from the pod it was attributed to and where in that pod's life
 * it fell:
 * - at the SIGKILL (or crash) of a pod that ended uncleanly → how it ended
 *   (`ends`, see termination.ts): sigterm-ignored, grace-too-short,
 *   prestop-exceeds-grace or pod-crashed; a teardown kill counts towards none;
 * - while a new pod was starting or just after it was marked ready → not-ready-traffic;
 * - while a pod was terminating, an HTTP/2 stream whose evidence names an
 *   HTTP/2 mechanism (connection-evidence.ts) → goaway-race or no-graceful-stop,
 *   and a gRPC CANCELLED/UNAVAILABLE just after its connection's GOAWAY → goaway-race;
 * - a never-processed stream just after its connection's recorded GOAWAY, on any pod → goaway-race;
 * - while a pod was terminating: on a reused keep-alive connection →
 *   keepalive-reset, on a new connection → no-prestop-drain (it was still
 *   being routed new connections while it no longer accepted them);
 * - otherwise, when no pod event is within NEAR_EVENT_MS → unrelated-errors;
 *   a timeout there (or unexplained near an event) on a pod during a start-up
 *   found slow is slow-start's instead (claimSlowStartTimeouts, after attribution).
 * HTTP errors (the app's own answers) never count as a shutdown race; they
 * land in unrelated-errors when far from pod events and are left unexplained
 * (no cause) when near one.
 */
export function causeOf(
  f: FailureRecord,
  a: Attribution,
  pods: PodIndex,
  ends: ReadonlyMap<string, PodEnd>,
  conns?: ConnectionIndex,
): FindingId | undefined {
  const atMs = failureAtMs(f);
  const t = a.pod !== undefined ? pods.timelines.get(a.pod) : undefined;
  if (t && connectionFailure(f)) {
    const end = ends.get(t.pod);
    // A pod's unclean end explains what died with it; a teardown kill explains nothing about the rollout.
    if (end !== undefined && atKill(t, atMs)) {
      if (end.kind === 'crashed') return 'pod-crashed';
      if (end.kind !== 'teardown') return end.kind;
    }
    // A crash is no termination: its SIGKILL opens no window for shutdown-race findings.
    const crashed = end?.kind === 'crashed';
    if (sidecarCaused(t, atMs)) return 'sidecar-exited-first';
    if (inStartupWindow(t, atMs)) return 'not-ready-traffic';
    const start = crashed ? null : terminationStartMs(t);
    if (start !== null && atMs >= start && atMs <= terminationEndMs(t)) {
      const h2 = h2Failure(f, conns);
      const cause = h2 ? h2ShutdownCause(f, atMs, conns) : undefined;
      if (cause !== undefined) return cause;
      // An HTTP/2 connection is reused once it served a stream, not when a second stream went out on it unanswered.
      return (h2 ? servedBefore(f, conns) : f.reused) ? 'keepalive-reset' : 'no-prestop-drain';
    }
  }
  if (t && conns && grpcStatusAfterGoaway(f, atMs, conns)) {
    const start = terminationStartMs(t);
    if (start !== null && atMs >= start && atMs <= terminationEndMs(t)) return 'goaway-race';
  }
  // A stream refused just after its connection's GOAWAY is that GOAWAY's race, whatever sent it (a maximum connection age too).
  if (conns && refusedAfterGoaway(f, atMs, conns)) return 'goaway-race';
  const near = a.event !== undefined && Math.abs(atMs - a.event.atMs) <= NEAR_EVENT_MS;
  return near ? undefined : 'unrelated-errors';
}

/** IDEMPOTENT_METHODS are the methods Go's transport (and browsers) replay on a reused connection that failed. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * hiddenByRetry tells whether a client that retries idempotent requests when a
 * reused keep-alive connection fails before any response byte (Go's
 * net/http transport, browsers) would have retried this failure on a new
 * connection, so its user never saw it.
 */
export function hiddenByRetry(f: FailureRecord, method: string): boolean {
  return f.reused && OUTCOME_TRAITS[f.kind].cut && IDEMPOTENT_METHODS.has(method);
}
