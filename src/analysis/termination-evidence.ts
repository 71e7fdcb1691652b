// What the termination findings (sigterm-ignored, grace-too-short,
// prestop-exceeds-grace, pod-crashed) say alike: which pods ended each way
// (termination.ts decides), the kill line, the requests that died with a pod,
// and, where PID 1 was not read, why not and how to read it.
import type { FindingId } from '../results/types.js';
import { group, kindsText, timelineByPod, type FindingInput } from './finding-kit.js';
import { formatAt, formatDuration, plural } from './format.js';
import { INSPECT_RBAC } from './pid1.js';
import type { PodTimeline } from './pod-timeline.js';
import type { PodEnd, PodEndKind } from './termination.js';

/** Ended is the pods that ended one way, each with its end and timeline. */
export type Ended = Array<{ end: PodEnd; t: PodTimeline }>;

/** endedPods lists the pods whose unclean end (termination.ts) was `kind`, in the order they were classified. */
export function endedPods(input: FindingInput, kind: PodEndKind): Ended {
  const byName = timelineByPod(input);
  return [...input.ends.values()].flatMap((end) => {
    const t = byName.get(end.pod);
    return end.kind === kind && t ? [{ end, t }] : [];
  });
}

/** lostText words the requests of finding `id` that died with a pod: "; 3 requests died with it (3 reset)", or ''. */
export function lostText(input: FindingInput, id: FindingId, pod: string): string {
  const lost = group(input, id).byPod.get(pod) ?? [];
  return lost.length ? `; ${plural(lost.length, 'request')} died with it (${kindsText(lost)})` : '';
}

/** killLine words a pod's SIGTERM, how long it ran on, and its SIGKILL. */
export function killLine(t: PodTimeline): string {
  const sigterm = t.sigtermMs ?? 0;
  const killAt = t.sigkillMs ?? t.exitedMs ?? sigterm;
  const grace = t.graceMs !== null ? ` (grace period ${formatDuration(t.graceMs)})` : '';
  const exit = t.exitCode !== null ? `, exit ${t.exitCode}` : t.exitSignal ? `, killed by ${t.exitSignal}` : '';
  return `SIGTERM at ${formatAt(sigterm)}, still running ${formatDuration(killAt - sigterm)} later${grace}, SIGKILLed at ${formatAt(killAt)}${exit}`;
}

const WHICH = 'a shell entrypoint that does not forward it, or an app as PID 1 without a SIGTERM handler';

type Meta = FindingInput['results']['meta'];

/** kubeRun: a target whose PID 1 is read only on request (a cluster, by `rollcheck run` or a scenario's kube target). */
function kubeRun(m: Meta): boolean {
  // Files written before pid1OnRequest existed name the driver only.
  if (m.cluster) return m.cluster.pid1OnRequest ?? m.cluster.driver === 'kube';
  return m.mode === 'kube' || (m.mode === 'scenario' && (m.params.target as { kind?: string } | undefined)?.kind === 'kube');
}

/** inspecting: the run asked for PID 1 through pods/exec (--inspect-pid1, or a scenario's `inspect-pid1: true`). */
function inspecting(m: Meta): boolean {
  if (m.cluster) return m.cluster.inspectPid1 === true;
  return m.params.inspectPid1 === true || (m.params.target as { inspectPid1?: boolean } | undefined)?.inspectPid1 === true;
}

/** askToInspect is how this kind of run turns the inspection on. */
function askToInspect(m: Meta): string {
  return m.mode === 'scenario' ? 'add `inspect-pid1: true` to the scenario\'s kube target' : 'rerun with --inspect-pid1';
}

/** inspectHint is how to learn, on a Kubernetes run, what PID 1 does with SIGTERM ('' where there is nothing to do). */
export function inspectHint(input: FindingInput, t: PodTimeline): string {
  const u = t.pid1Unknown;
  if (u?.reason === 'forbidden') return ` pods/exec was forbidden (403): grant ${INSPECT_RBAC} for --inspect-pid1 to read PID 1.`;
  if (u) return ` PID 1 could not be inspected (${u.detail}).`;
  const m = input.results.meta;
  if (!kubeRun(m) || inspecting(m)) return '';
  const ask = askToInspect(m);
  return ` ${ask.charAt(0).toUpperCase()}${ask.slice(1)} (grant ${INSPECT_RBAC}) to read PID 1.`;
}

/** notInspected says why PID 1's facts are missing for a pod, what that leaves unknown, and how to learn it. */
export function notInspected(input: FindingInput, t: PodTimeline): string {
  const u = t.pid1Unknown;
  if (u?.reason === 'forbidden') {
    return `PID 1 could not be inspected: pods/exec was forbidden (403), so why it ignored SIGTERM is not known (${WHICH}); grant ${INSPECT_RBAC} (kubectl apply -n <namespace> -f ${INSPECT_RBAC}) and rerun with --inspect-pid1.`;
  }
  if (u) return `PID 1 could not be inspected (${u.detail}), so why it ignored SIGTERM is not known: ${WHICH}.`;
  const m = input.results.meta;
  if (kubeRun(m) && !inspecting(m)) {
    return `PID 1 was not inspected, so why it ignored SIGTERM is not known (${WHICH}): ${askToInspect(m)} (grant ${INSPECT_RBAC}) to read it through pods/exec.`;
  }
  if (kubeRun(m)) return `PID 1 was not inspected (no inspection of this pod finished: it was not seen ready, or the run ended first), so why it ignored SIGTERM is not known: ${WHICH}.`;
  return `PID 1 was not inspected (the runtime could not look into the pod), so why it ignored SIGTERM is not known: ${WHICH}.`;
}
