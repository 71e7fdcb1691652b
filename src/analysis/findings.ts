import type { ClusterEvent } from '../results/events.js';
import type { FailureRecord, Finding, FindingId, KindCounts, Results } from '../results/types.js';
import { FAILURE_KINDS } from '../results/types.js';
import type { PodTimeline } from './pod-timeline.js';
import { hiddenByRetry, sigkilledAtGrace } from './causes.js';
import { formatAt, formatDuration, KIND_NOUN, plural } from './format.js';
import { failureAtMs } from './windows.js';
import { ingressFindings } from './findings-ingress.js';

/** FindingInput is what the finding rules read: the run, its pods, and each failure's cause. */
export interface FindingInput {
  results: Results;
  timelines: readonly PodTimeline[];
  /** causes[i] is the finding failure i counts towards. */
  causes: ReadonlyArray<FindingId | undefined>;
  /** pods[i] is the pod failure i was attributed to. */
  pods: ReadonlyArray<string | undefined>;
}

/** FIXES is the fix a user can apply for each finding. */
export const FIXES: Record<FindingId, string> = {
  'sigterm-ignored':
    'Make the app PID 1 or forward signals to it: `exec` the app from the entrypoint script (`exec node server.js`), ' +
    'use the exec form `CMD ["node", "server.js"]` rather than the shell form `CMD node server.js`, or run an init ' +
    'that forwards signals (tini: `ENTRYPOINT ["tini", "--"]`, or dumb-init). Check that STOPSIGNAL is a signal the app handles. ' +
    'If the app does get SIGTERM but drains for longer than the grace period, raise terminationGracePeriodSeconds.',
  'no-prestop-drain':
    'Keep serving until the endpoint is gone: add a preStop sleep longer than endpoint propagation ' +
    '(Kubernetes >= 1.30: `lifecycle: {preStop: {sleep: {seconds: 5}}}`; older: `preStop: {exec: {command: ["sleep", "5"]}}`), ' +
    'and make terminationGracePeriodSeconds cover the preStop sleep plus the app\'s own drain.',
  'keepalive-reset':
    'Drain keep-alive connections instead of cutting them: after SIGTERM answer each request with `Connection: close`, ' +
    'close a connection only once it has been idle for a while (e.g. 500 ms), finish in-flight requests, then exit. ' +
    'Closing idle connections at once races with requests clients are already sending on them.',
  'not-ready-traffic':
    'Give the pod a readiness probe that succeeds only when the app can really serve (listening, warmed up, ' +
    'dependencies reachable); add a startupProbe for slow starts, and minReadySeconds if it needs to settle.',
  'unrelated-errors':
    'Look at the app and its dependencies, not at the rollout: these errors happen without pod changes too ' +
    '(run `rollcheck load` against the steady service to confirm), see each kind\'s meaning in the failure table.',
  'rollout-failed':
    'Find out why the new pods did not become available: `kubectl rollout status`, `kubectl describe pod` and the new ' +
    'pods\' logs (image pull errors, crash loops, failing readiness probes, missing config).',
  'upstream-keepalive-reset':
    'The proxy keeps pooled keep-alive connections to each pod: drain them instead of cutting them at SIGTERM (answer with ' +
    '`Connection: close`, close a connection only once idle, finish in-flight requests, then exit), and keep the pod serving ' +
    'until the ingress has removed it (a preStop sleep longer than endpoint propagation plus the ingress\'s own delay).',
  'no-ready-endpoints':
    'Never let the number of ready pods reach zero: maxUnavailable 0 with maxSurge >= 1, enough replicas, and a readiness ' +
    'probe that does not fail on all pods at once (e.g. on a shared dependency).',
  'ingress-lag':
    'Keep each pod serving until the ingress has removed it, not just the Service: make the preStop sleep longer than ' +
    'endpoint propagation plus the ingress controller\'s own update delay (ingress-nginx applies endpoint changes after its ' +
    'sync period; cloud load balancers after deregistration).',
  'ingress-reload':
    'A proxy that reloads its configuration closes its idle client keep-alive connections, racing with requests clients ' +
    'are sending on them: keep reloads rare (ingress-nginx applies endpoint changes without a reload; config and annotation ' +
    'changes still reload), and let clients retry idempotent requests on a closed keep-alive connection.',
  'watch-lost':
    'Pod and endpoint events in that gap may be missing or late, so attribution there is less certain; check the ' +
    'connection to the API server and that the Role allows `watch` on pods and endpointslices.',
};

const SEVERITY_ORDER: Record<Finding['severity'], number> = { critical: 0, warning: 1, info: 2 };

/** buildFindings runs every finding rule and orders the findings by severity, then by failures. */
export function buildFindings(input: FindingInput): Finding[] {
  const out = [
    sigtermIgnored(input),
    noPrestopDrain(input),
    keepaliveReset(input),
    notReadyTraffic(input),
    unrelatedErrors(input),
    rolloutFailed(input.results),
    watchLost(input.results.events),
  ].filter((f): f is Finding => f !== null);
  out.push(...ingressFindings(input, out));
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.failures - a.failures);
}

interface CauseGroup {
  failures: FailureRecord[];
  byPod: Map<string, FailureRecord[]>;
}

function group(input: FindingInput, id: FindingId): CauseGroup {
  const failures: FailureRecord[] = [];
  const byPod = new Map<string, FailureRecord[]>();
  input.causes.forEach((c, i) => {
    const f = input.results.failures[i];
    if (c !== id || !f) return;
    failures.push(f);
    const pod = input.pods[i];
    if (pod === undefined) return;
    const list = byPod.get(pod) ?? [];
    list.push(f);
    byPod.set(pod, list);
  });
  return { failures, byPod };
}

// Spread arguments overflow the stack past ~100 000 values; a run can have more failures.
function minOf(xs: readonly number[]): number {
  return xs.reduce((m, x) => (x < m ? x : m), Number.POSITIVE_INFINITY);
}

function maxOf(xs: readonly number[]): number {
  return xs.reduce((m, x) => (x > m ? x : m), Number.NEGATIVE_INFINITY);
}

function span(fromMs: number, toMs: number): string {
  return fromMs === toMs ? `at ${formatAt(fromMs)}` : `between ${formatAt(fromMs)} and ${formatAt(toMs)}`;
}

/** kindsText writes "3 reset, 1 refused" for a list of failures. */
export function kindsText(failures: readonly FailureRecord[]): string {
  const counts: KindCounts = {};
  for (const f of failures) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return FAILURE_KINDS.filter((k) => counts[k])
    .map((k) => `${counts[k]} ${KIND_NOUN[k]}`)
    .join(', ');
}

/**
 * trafficEndMs is when recorded traffic ended: pods stopped after that are the
 * run's own teardown, not the rollout, and say nothing about it.
 */
export function trafficEndMs(results: Results): number {
  const stopping = results.meta.phases.find((p) => p.phase === 'stopping');
  if (stopping) return stopping.atMs;
  const last = results.intervals.at(-1);
  return last ? last.atMs + results.meta.intervalMs : Number.POSITIVE_INFINITY;
}

function sigtermIgnored(input: FindingInput): Finding | null {
  const endMs = trafficEndMs(input.results);
  const killed = input.timelines.filter((t) => sigkilledAtGrace(t) && (t.sigtermMs ?? 0) < endMs);
  if (killed.length === 0) return null;
  const g = group(input, 'sigterm-ignored');
  const evidence = killed.map((t) => {
    const sigterm = t.sigtermMs ?? 0;
    const killAt = t.sigkillMs ?? t.exitedMs ?? sigterm;
    const grace = t.graceMs !== null ? ` (grace period ${formatDuration(t.graceMs)})` : '';
    const exit = t.exitCode !== null ? `, exit ${t.exitCode}` : t.exitSignal ? `, killed by ${t.exitSignal}` : '';
    const lost = g.byPod.get(t.pod) ?? [];
    const lostText = lost.length ? `; ${plural(lost.length, 'request')} died with it (${kindsText(lost)})` : '';
    return `${t.pod}: SIGTERM at ${formatAt(sigterm)}, still running ${formatDuration(killAt - sigterm)} later${grace}, SIGKILLed at ${formatAt(killAt)}${exit}${lostText}`;
  });
  evidence.push(
    `The rollout waited the full grace period for ${plural(killed.length, 'pod')}: PID 1 did not exit on SIGTERM, as a shell entrypoint (\`sh run.sh\` without exec) does not forward it.`,
  );
  return {
    id: 'sigterm-ignored',
    severity: g.failures.length > 0 ? 'critical' : 'warning',
    title: `${plural(killed.length, 'pod')} ignored SIGTERM and ${killed.length === 1 ? 'was' : 'were'} SIGKILLed at the grace period`,
    evidence,
    fix: FIXES['sigterm-ignored'],
    pods: killed.map((t) => t.pod),
    failures: g.failures.length,
  };
}

function noPrestopDrain(input: FindingInput): Finding | null {
  const g = group(input, 'no-prestop-drain');
  if (g.failures.length === 0) return null;
  const byName = new Map(input.timelines.map((t) => [t.pod, t]));
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const first = minOf(list.map(failureAtMs));
    const last = maxOf(list.map(failureAtMs));
    const parts = [`${pod}: ${plural(list.length, 'request')} on new connections failed (${kindsText(list)}) ${span(first, last)}`];
    let sigtermPart = -1;
    if (t?.sigtermMs != null) {
      const preStop = t.prestopStartMs !== null ? `after a preStop hook of ${formatDuration((t.prestopEndMs ?? t.sigtermMs) - t.prestopStartMs)}` : 'with no preStop hook';
      parts.push(`it got SIGTERM at ${formatAt(t.sigtermMs)} ${preStop}`);
      sigtermPart = parts.length - 1;
    }
    if (t?.endpointRemovedMs != null && t.sigtermMs !== null) {
      const lagMs = t.endpointRemovedMs - t.sigtermMs;
      const routed =
        lagMs > 0
          ? `, but stayed in the endpoints until ${formatAt(t.endpointRemovedMs)}, ${formatDuration(lagMs)} after its SIGTERM`
          : ` and left the endpoints at ${formatAt(t.endpointRemovedMs)}`;
      if (sigtermPart >= 0) parts[sigtermPart] += routed;
      else parts.push(routed.replace(/^,? ?/, ''));
    } else if (t && t.endpointRemovedMs === null) {
      parts.push('no endpoint removal was recorded');
    }
    return parts.join('; ');
  });
  evidence.push('The app stopped accepting new connections while the Service still routed them to it.');
  return {
    id: 'no-prestop-drain',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} failed on new connections to pods that had stopped accepting but were still routed`,
    evidence,
    fix: FIXES['no-prestop-drain'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}

function keepaliveReset(input: FindingInput): Finding | null {
  const g = group(input, 'keepalive-reset');
  if (g.failures.length === 0) return null;
  const method = String(input.results.meta.params.method ?? 'GET').toUpperCase();
  const hidden = g.failures.filter((f) => hiddenByRetry(f, method)).length;
  const evidence = [...g.byPod].map(
    ([pod, list]) => `${pod}: ${plural(list.length, 'request')} on reused keep-alive connections cut at shutdown (${kindsText(list)})`,
  );
  evidence.push(
    `A client that retries idempotent requests on a closed keep-alive connection (Go's net/http transport, browsers) would have hidden ${hidden} of ${g.failures.length}` +
      (hidden < g.failures.length ? ` (the rest are not ${method === 'GET' ? 'retryable' : `retryable for ${method}`})` : '') +
      `; a client without retry (undici, fetch in a script, curl) sees all ${g.failures.length}.`,
  );
  return {
    id: 'keepalive-reset',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} on reused keep-alive connections were cut when pods shut down`,
    evidence,
    fix: FIXES['keepalive-reset'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
    data: { hiddenByRetry: hidden, seenWithoutRetry: g.failures.length, method },
  };
}

function notReadyTraffic(input: FindingInput): Finding | null {
  const g = group(input, 'not-ready-traffic');
  if (g.failures.length === 0) return null;
  const byName = new Map(input.timelines.map((t) => [t.pod, t]));
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const ready = t?.readyMs != null ? `it was marked ready at ${formatAt(t.readyMs)}` : 'it never became ready';
    const last = maxOf(list.map(failureAtMs));
    return `${pod}: ${plural(list.length, 'request')} failed (${kindsText(list)}) up to ${formatAt(last)}; ${ready}`;
  });
  return {
    id: 'not-ready-traffic',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} failed on new pods that were not really ready`,
    evidence,
    fix: FIXES['not-ready-traffic'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
  };
}

function unrelatedErrors(input: FindingInput): Finding | null {
  const g = group(input, 'unrelated-errors');
  const unexplained = input.causes.filter((c) => c === undefined).length;
  if (g.failures.length === 0 && unexplained === 0) return null;
  const evidence: string[] = [];
  if (g.failures.length > 0) {
    const times = g.failures.map(failureAtMs);
    evidence.push(
      `${plural(g.failures.length, 'failure')} (${kindsText(g.failures)}) ${span(minOf(times), maxOf(times))} ` +
        `happened more than ${formatDuration(2000)} away from any pod event: the rollout is not to blame for those.`,
    );
    const samples = [...new Set(g.failures.map((f) => f.errorCode ?? (f.status !== undefined ? `HTTP ${f.status}` : f.message ?? f.kind)))];
    evidence.push(`Errors seen: ${samples.slice(0, 5).join(', ')}${samples.length > 5 ? ` and ${samples.length - 5} more` : ''}`);
  }
  if (unexplained > 0) {
    evidence.push(
      `${plural(unexplained, 'failure')} happened near pod events but ${unexplained === 1 ? 'matches' : 'match'} no known shutdown pattern (e.g. HTTP errors from the app itself): see the failure table.`,
    );
  }
  return {
    id: 'unrelated-errors',
    severity: 'warning',
    title: `${plural(g.failures.length + unexplained, 'failure')} not explained by the rollout`,
    evidence,
    fix: FIXES['unrelated-errors'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length + unexplained,
    data: { unrelated: g.failures.length, unexplainedNearEvents: unexplained },
  };
}

function rolloutFailed(results: Results): Finding | null {
  const failed = results.events.filter((e): e is Extract<ClusterEvent, { kind: 'rollout-failed' }> => e.kind === 'rollout-failed');
  const stop = results.meta.stopReason;
  const stopSaysFailed = /rollout (failed|timed out|timeout)/i.test(stop);
  if (failed.length === 0 && !stopSaysFailed) return null;
  const evidence = failed.map((e) => `rollout failed at ${formatAt(e.atMs)}: ${e.reason}`);
  if (stopSaysFailed) evidence.push(`run stopped: ${stop}`);
  return {
    id: 'rollout-failed',
    severity: 'critical',
    title: 'The rollout did not complete',
    evidence,
    fix: FIXES['rollout-failed'],
    pods: [],
    failures: 0,
  };
}

function watchLost(events: readonly ClusterEvent[]): Finding | null {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const evidence: string[] = [];
  let unresolved = false;
  sorted.forEach((e, i) => {
    if (e.kind !== 'watch-lost') return;
    const resumed = sorted.slice(i + 1).find((r) => r.kind === 'watch-resumed' && r.resource === e.resource);
    if (resumed && resumed.kind === 'watch-resumed') {
      evidence.push(`${e.resource} watch lost at ${formatAt(e.atMs)} (${e.error}), resumed ${formatDuration(resumed.atMs - e.atMs)} later${resumed.relisted ? ' after a relist' : ''}`);
    } else {
      unresolved = true;
      evidence.push(`${e.resource} watch lost at ${formatAt(e.atMs)} (${e.error}) and never resumed`);
    }
  });
  if (evidence.length === 0) return null;
  return {
    id: 'watch-lost',
    severity: unresolved ? 'warning' : 'info',
    title: 'The cluster watch was interrupted: some pod events may be missing',
    evidence,
    fix: FIXES['watch-lost'],
    pods: [],
    failures: 0,
  };
}
