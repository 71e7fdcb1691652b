import type { FailureRecord, Finding } from '../results/types.js';
import type { PodTimeline } from './pod-timeline.js';
import { EXIT_SLACK_MS, terminationStartMs } from './attribution.js';
import { formatAt, formatDuration, plural } from './format.js';
import { failureAtMs } from './windows.js';

/**
 * SIDECAR_EXIT_SLACK_MS lets failures a little before a sidecar's observed exit
 * count as its doing: the kubelet reports a container's exit to the API after it
 * happened, so the connections die before rollcheck sees the status.
 */
export const SIDECAR_EXIT_SLACK_MS = 1000;

/** SIDECAR_FIX is the fix for a proxy sidecar that stops before the app has drained. */
export const SIDECAR_FIX =
  'Stop the proxy after the app: run it as a native sidecar (an initContainer with `restartPolicy: Always`, Kubernetes >= 1.29), ' +
  'which the kubelet stops only after the app containers have exited; or make the proxy wait for the app before it exits ' +
  '(Istio: `EXIT_ON_ZERO_ACTIVE_CONNECTIONS` or a `terminationDrainDuration` longer than the app\'s drain; Linkerd: ' +
  '`config.alpha.linkerd.io/proxy-wait-before-exit-seconds`), and give it the same preStop sleep as the app.';

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

/** sidecarExitedFirst is the finding for the failures that sidecarCaused claimed, by pod. */
export function sidecarExitedFirst(byPod: ReadonlyMap<string, FailureRecord[]>, timelines: readonly PodTimeline[], failures: number): Finding | null {
  if (failures === 0) return null;
  const byName = new Map(timelines.map((t) => [t.pod, t]));
  const evidence = [...byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const s = t ? firstSidecarExit(t) : null;
    const first = Math.min(...list.map(failureAtMs));
    const appExit = t?.exitedMs != null && s ? `; the app container exited only at ${formatAt(t.exitedMs)}, ${formatDuration(t.exitedMs - s.atMs)} later` : '; the app container was still running';
    const exit = s?.exitCode !== null && s?.exitCode !== undefined ? ` (exit ${s.exitCode})` : '';
    return `${pod}: container "${s?.container ?? '?'}" exited at ${s ? formatAt(s.atMs) : '?'}${exit}${appExit}; ${plural(list.length, 'request')} failed from ${formatAt(first)}`;
  });
  evidence.push('The container in front of the app (a mesh or TCP proxy) stopped on SIGTERM while the app was still draining and the endpoint still routed, so requests found no one to carry them in.');
  return {
    id: 'sidecar-exited-first',
    severity: 'critical',
    title: `${plural(failures, 'request')} failed because a proxy sidecar exited before the app had drained`,
    evidence,
    fix: SIDECAR_FIX,
    pods: [...byPod.keys()],
    failures,
  };
}
