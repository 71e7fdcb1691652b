import type { Attribution, FailureKind, FailureRecord, FindingId } from '../results/types.js';
import type { PodIndex } from './attribution.js';
import { inStartupWindow, NEAR_EVENT_MS, terminationEndMs, terminationStartMs } from './attribution.js';
import type { PodTimeline } from './pod-timeline.js';
import type { PodEnd } from './termination.js';
import { failureAtMs } from './windows.js';
import { sidecarCaused } from './findings-sidecar.js';

/** KILL_SLACK_MS lets a failure observed just before the recorded SIGKILL still count as the kill's. */
export const KILL_SLACK_MS = 50;

// Kinds a connection dying under a request produces; HTTP errors are the app's own answer.
/** CONNECTION_KINDS are the kinds a connection dying under a request produces. */
export const CONNECTION_KINDS: ReadonlySet<FailureKind> = new Set(['refused', 'reset', 'closed_before_response', 'timeout', 'other']);

/** sigkilledAtGrace tells whether a pod was killed because it outlived its grace period after SIGTERM. */
export function sigkilledAtGrace(t: PodTimeline): boolean {
  if (t.sigkillMs !== null && t.sigtermMs !== null) return true;
  // The kube driver cannot see the SIGKILL: exit 137 about one grace period after SIGTERM says the same.
  if (t.sigtermMs === null || t.exitedMs === null || t.graceMs === null) return false;
  const killedBySignal = t.exitCode === 137 || t.exitSignal === 'SIGKILL';
  const afterMs = t.exitedMs - t.sigtermMs;
  return killedBySignal && afterMs >= t.graceMs * 0.9 - 100;
}

/**
 * causeOf decides which finding one failure counts towards (each failure
 * counts once), from the pod it was attributed to and where in that pod's life
 * it fell:
 * - at the SIGKILL (or crash) of a pod that ended uncleanly → how it ended
 *   (`ends`, see termination.ts): sigterm-ignored, grace-too-short,
 *   prestop-exceeds-grace or pod-crashed; a teardown kill counts towards none;
 * - while a new pod was starting or just after it was marked ready → not-ready-traffic;
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
export function causeOf(f: FailureRecord, a: Attribution, pods: PodIndex, ends: ReadonlyMap<string, PodEnd>): FindingId | undefined {
  const atMs = failureAtMs(f);
  const t = a.pod !== undefined ? pods.timelines.get(a.pod) : undefined;
  if (t && CONNECTION_KINDS.has(f.kind)) {
    const end = ends.get(t.pod);
    const killMs = t.sigkillMs ?? t.exitedMs ?? 0;
    const atKill = atMs >= killMs - KILL_SLACK_MS && atMs <= terminationEndMs(t);
    // A pod's unclean end explains what died with it; a teardown kill explains nothing about the rollout.
    if (end !== undefined && atKill) {
      if (end.kind === 'crashed') return 'pod-crashed';
      if (end.kind !== 'teardown') return end.kind;
    }
    // A crash is no termination: its SIGKILL opens no window for shutdown-race findings.
    const crashed = end?.kind === 'crashed';
    if (sidecarCaused(t, atMs)) return 'sidecar-exited-first';
    if (inStartupWindow(t, atMs)) return 'not-ready-traffic';
    const start = crashed ? null : terminationStartMs(t);
    if (start !== null && atMs >= start && atMs <= terminationEndMs(t)) {
      return f.reused ? 'keepalive-reset' : 'no-prestop-drain';
    }
  }
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
  return f.reused && (f.kind === 'closed_before_response' || f.kind === 'reset') && IDEMPOTENT_METHODS.has(method);
}
