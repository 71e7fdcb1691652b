import type { Finding, FindingId } from '../results/types.js';
import type { FindingInput } from './findings.js';
import { FIXES, group, kindsText } from './findings.js';
import { formatAt, formatDuration, plural } from './format.js';
import { describePid1, pid1Reaction } from './pid1.js';
import type { PodTimeline } from './pod-timeline.js';
import { INSPECT_RBAC } from './pid1.js';
import { tooShortToTell, type PodEnd, type PodEndKind } from './termination.js';

/**
 * terminationFindings turns each pod's unclean end (termination.ts) into
 * findings: sigterm-ignored, grace-too-short, prestop-exceeds-grace and
 * pod-crashed. Teardown kills (the run ending) never make one.
 */
export function terminationFindings(input: FindingInput, ends: ReadonlyMap<string, PodEnd>): Array<Finding | null> {
  const byName = new Map(input.timelines.map((t) => [t.pod, t]));
  const of = (kind: PodEndKind): Array<{ end: PodEnd; t: PodTimeline }> =>
    [...ends.values()].flatMap((end) => {
      const t = byName.get(end.pod);
      return end.kind === kind && t ? [{ end, t }] : [];
    });
  return [
    sigtermIgnored(input, of('sigterm-ignored')),
    graceTooShort(input, of('grace-too-short')),
    prestopExceedsGrace(input, of('prestop-exceeds-grace')),
    podCrashed(input, of('crashed')),
  ];
}

type Ended = Array<{ end: PodEnd; t: PodTimeline }>;

function lostText(input: FindingInput, id: FindingId, pod: string): string {
  const lost = group(input, id).byPod.get(pod) ?? [];
  return lost.length ? `; ${plural(lost.length, 'request')} died with it (${kindsText(lost)})` : '';
}

function killLine(t: PodTimeline): string {
  const sigterm = t.sigtermMs ?? 0;
  const killAt = t.sigkillMs ?? t.exitedMs ?? sigterm;
  const grace = t.graceMs !== null ? ` (grace period ${formatDuration(t.graceMs)})` : '';
  const exit = t.exitCode !== null ? `, exit ${t.exitCode}` : t.exitSignal ? `, killed by ${t.exitSignal}` : '';
  return `SIGTERM at ${formatAt(sigterm)}, still running ${formatDuration(killAt - sigterm)} later${grace}, SIGKILLed at ${formatAt(killAt)}${exit}`;
}

/** mechanismOf names, for results data and tests, what made PID 1 ignore SIGTERM. */
function mechanismOf(t: PodTimeline): string {
  const p = t.pid1;
  if (!p || pid1Reaction(p) === 'unknown') return 'unknown';
  if (p.role === 'shell') return 'shell';
  if (p.role === 'init') return 'init-child-ignores';
  return p.sigterm === 'default' ? 'no-handler' : p.sigterm;
}

const WHICH = 'a shell entrypoint that does not forward it, or an app as PID 1 without a SIGTERM handler';

type Meta = FindingInput['results']['meta'];

/** kubeRun: a Kubernetes target, by `rollcheck run` or by a scenario's kube target (files before meta.cluster: the scenario's params). */
function kubeRun(m: Meta): boolean {
  if (m.cluster) return m.cluster.driver === 'kube';
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
function inspectHint(input: FindingInput, t: PodTimeline): string {
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

function sigtermIgnored(input: FindingInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'sigterm-ignored');
  const evidence: string[] = [];
  for (const { end, t } of pods) {
    evidence.push(`${t.pod}: ${killLine(t)}${lostText(input, 'sigterm-ignored', t.pod)}`);
    if (t.pid1) evidence.push(`${t.pod}: ${describePid1(t.pid1)}.`);
    if (t.sigtermProbe && end.reaction === 'probe') {
      evidence.push(`${t.pod}: it showed no reaction: ${formatDuration(t.sigtermProbe.afterSigtermMs)} after SIGTERM it still accepted a new connection and answered as before.`);
    }
    if (end.kept) {
      evidence.push(
        `${t.pod}: it showed no reaction: ${end.kept.beforeKill} ok answers in the second before SIGKILL, ${end.kept.beforeSigterm} in the second before SIGTERM.${t.pid1 ? '' : ` ${notInspected(input, t)}`}`,
      );
    }
  }
  return {
    id: 'sigterm-ignored',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} ignored SIGTERM and ${pods.length === 1 ? 'was' : 'were'} SIGKILLed at the grace period`,
    evidence,
    fix: FIXES['sigterm-ignored'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
    data: { mechanism: mechanismOf(pods[0]?.t as PodTimeline) },
  };
}

function graceTooShort(input: FindingInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'grace-too-short');
  const evidence: string[] = [];
  for (const { end, t } of pods) {
    evidence.push(`${t.pod}: ${killLine(t)}${lostText(input, 'grace-too-short', t.pod)}`);
    const short = tooShortToTell(end.afterSigtermMs);
    if (short) evidence.push(`${t.pod}: it had only ${formatDuration(end.afterSigtermMs ?? 0)} after SIGTERM: too little to finish in-flight requests and close its connections.`);
    if (t.pid1) {
      const ignores = pid1Reaction(t.pid1) === 'ignores';
      evidence.push(`${t.pod}: ${describePid1(t.pid1)}${ignores ? ': with more time it would still not have stopped (see the sigterm-ignored fix as well)' : ''}.`);
    }
    if (t.sigtermProbe && end.reaction === 'probe') {
      const p = t.sigtermProbe;
      evidence.push(`${t.pod}: it reacted to SIGTERM: ${formatDuration(p.afterSigtermMs)} after it, a new connection was ${p.answered ? 'answered with `Connection: close`' : 'not answered'}; it was still running at SIGKILL.`);
    } else if (end.kept) {
      evidence.push(`${t.pod}: it reacted to SIGTERM: ok answers fell from ${end.kept.beforeSigterm} in the second before SIGTERM to ${end.kept.beforeKill} in the second before SIGKILL, but it was still running.`);
    } else if (!short && !t.pid1) {
      evidence.push(`${t.pod}: whether it reacted to SIGTERM is not known (PID 1 not inspected, too little traffic on it to tell); if it does not, see the sigterm-ignored fix.${inspectHint(input, t)}`);
    }
  }
  return {
    id: 'grace-too-short',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} ${pods.length === 1 ? 'was' : 'were'} still shutting down when the grace period ended and ${pods.length === 1 ? 'was' : 'were'} SIGKILLed`,
    evidence,
    fix: FIXES['grace-too-short'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
  };
}

function prestopExceedsGrace(input: FindingInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'prestop-exceeds-grace');
  const hooks = new Map<string, string>();
  for (const e of input.results.events) if (e.kind === 'prestop-started') hooks.set(e.pod, e.hook);
  const evidence = pods.map(({ t }) => {
    const from = t.terminatingMs ?? t.prestopStartMs ?? 0;
    const hook = hooks.get(t.pod);
    const grace = t.graceMs !== null ? formatDuration(t.graceMs) : 'the grace period';
    const kill = t.sigkillMs ?? t.exitedMs;
    const killText = kill !== null && t.sigtermMs !== null ? `; SIGKILL ${formatDuration(kill - t.sigtermMs)} after SIGTERM` : '';
    return `${t.pod}: preStop hook${hook ? ` \`${hook}\`` : ''} from ${formatAt(t.prestopStartMs ?? from)}; SIGTERM only at ${formatAt(t.sigtermMs ?? from)}, after ${formatDuration((t.sigtermMs ?? from) - from)} of its ${grace} grace period${killText}${lostText(input, 'prestop-exceeds-grace', t.pod)}`;
  });
  return {
    id: 'prestop-exceeds-grace',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `the preStop hook used up the grace period of ${plural(pods.length, 'pod')}`,
    evidence,
    fix: FIXES['prestop-exceeds-grace'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
  };
}

function podCrashed(input: FindingInput, pods: Ended): Finding | null {
  if (pods.length === 0) return null;
  const g = group(input, 'pod-crashed');
  let oom = 0;
  const evidence = pods.map(({ t }) => {
    const at = formatAt(t.sigkillMs ?? t.exitedMs ?? 0);
    if (t.exitReason === 'OOMKilled') oom += 1;
    const how =
      t.exitReason === 'OOMKilled'
        ? `was OOMKilled at ${at} (exit ${t.exitCode ?? 137})`
        : t.sigkillMs !== null || t.exitSignal === 'SIGKILL'
          ? `was SIGKILLed at ${at} with no SIGTERM before it`
          : `exited at ${at}${t.exitCode !== null ? ` with code ${t.exitCode}` : ''}${t.exitSignal ? ` (${t.exitSignal})` : ''} with no SIGTERM before it`;
    return `${t.pod}: ${how}${lostText(input, 'pod-crashed', t.pod)}`;
  });
  evidence.push('A crash is no part of the rollout: shutdown-race findings (keep-alive resets, preStop) are not drawn from it.');
  return {
    id: 'pod-crashed',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(pods.length, 'pod')} died without being asked to stop${oom > 0 ? ` (${oom} OOMKilled)` : ''}`,
    evidence,
    fix: FIXES['pod-crashed'],
    pods: pods.map(({ t }) => t.pod),
    failures: g.failures.length,
    data: { oomKilled: oom },
  };
}
