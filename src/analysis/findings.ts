import type { ClusterEvent } from '../results/events.js';
import type { FailureRecord, Finding, FindingId, KindCounts, Results } from '../results/types.js';
import { FAILURE_KINDS } from '../results/types.js';
import type { PodTimeline } from './pod-timeline.js';
import { hiddenByRetry } from './causes.js';
import { formatAt, formatDuration, KIND_NOUN, plural } from './format.js';
import { failureAtMs } from './windows.js';
import type { PodEnd } from './termination.js';
import { terminationFindings } from './findings-termination.js';
import { slowStart } from './findings-slow-start.js';

export { trafficEndMs } from './termination.js';
import { SIDECAR_FIX, sidecarExitedFirst } from './findings-sidecar.js';
import { ingressFindings } from './findings-ingress.js';

/** FindingInput is what the finding rules read: the run, its pods, and each failure's cause. */
export interface FindingInput {
  results: Results;
  timelines: readonly PodTimeline[];
  /** causes[i] is the finding failure i counts towards. */
  causes: ReadonlyArray<FindingId | undefined>;
  /** pods[i] is the pod failure i was attributed to. */
  pods: ReadonlyArray<string | undefined>;
  /** ends is how each pod that ended uncleanly ended (see termination.ts). */
  ends: ReadonlyMap<string, PodEnd>;
  /** ambiguous holds the failures a terminating pod and a starting pod could each explain (no finding claims them). */
  ambiguous?: ReadonlySet<number>;
}

/** FIXES is the fix a user can apply for each finding. */
export const FIXES: Record<FindingId, string> = {
  'sigterm-ignored':
    'Make the app PID 1 or forward signals to it: `exec` the app from the entrypoint script (`exec node server.js`), ' +
    'use the exec form `CMD ["node", "server.js"]` rather than the shell form `CMD node server.js`, or run an init ' +
    'that forwards signals (tini: `ENTRYPOINT ["tini", "--"]`, or dumb-init). Check that STOPSIGNAL is a signal the app handles. ' +
    'An app that is PID 1 itself must install a SIGTERM handler (as PID 1 the default action does not apply).',
  'no-prestop-drain':
    'Keep serving until the endpoint is gone: add a preStop sleep longer than endpoint propagation ' +
    '(Kubernetes >= 1.30: `lifecycle: {preStop: {sleep: {seconds: 5}}}`; older: `preStop: {exec: {command: ["sleep", "5"]}}`), ' +
    'and make terminationGracePeriodSeconds cover the preStop sleep plus the app\'s own drain.',
  'keepalive-reset':
    'Drain keep-alive connections instead of cutting them: after SIGTERM answer each request with `Connection: close`, ' +
    'close a connection only once it has been idle for a while (e.g. 500 ms), finish in-flight requests, then exit. ' +
    'Closing idle connections at once races with requests clients are already sending on them.',
  'sidecar-exited-first': SIDECAR_FIX,
  'not-ready-traffic':
    'Give the pod a readiness probe that succeeds only when the app can really serve (listening, warmed up, ' +
    'dependencies reachable); add a startupProbe for slow starts, and minReadySeconds if it needs to settle.',
  'unrelated-errors':
    'Look at the app and its dependencies, not at the rollout: these errors happen without pod changes too ' +
    '(run `rollcheck load` against the steady service to confirm), see each kind\'s meaning in the failure table.',
  'rollout-failed':
    'Find out why the new pods did not become available: `kubectl rollout status`, `kubectl describe pod` and the new ' +
    'pods\' logs (image pull errors, crash loops, failing readiness probes, missing config).',
  'grace-too-short':
    'Give the pod time to finish: raise terminationGracePeriodSeconds above the preStop sleep plus the app\'s longest drain ' +
    '(longest request, plus closing idle keep-alive connections), or make the app drain faster (shorter request timeouts at shutdown).',
  'prestop-exceeds-grace':
    'Make the preStop hook shorter than the grace period, or raise terminationGracePeriodSeconds: the grace period counts from ' +
    'the start of the preStop hook, so a hook that uses it up leaves the app only the kubelet\'s 2 s after SIGTERM.',
  'pod-crashed':
    'Look at why the pod died on its own (its log, `kubectl describe pod` for OOMKilled and the exit code): raise the memory ' +
    'limit for OOMKilled, fix the crash otherwise. A crash is not a rollout problem: requests on it die whatever the rollout does.',
  'slow-start':
    'Mark the pod ready only once it is warm: a startupProbe or a readiness probe that checks what is slow to start ' +
    '(caches, JIT, connection pools), a warm-up step before the server reports ready, and minReadySeconds so the ' +
    'rollout does not move on while new pods are still slow.',
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
    ...terminationFindings(input, input.ends),
    slowStart(input),
    noPrestopDrain(input),
    keepaliveReset(input),
    sidecarFinding(input),
    notReadyTraffic(input),
    unrelatedErrors(input),
    rolloutFailed(input.results),
    watchLost(input.results.events),
  ].filter((f): f is Finding => f !== null);
  out.push(...ingressFindings(input, out));
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.failures - a.failures);
}

/** CauseGroup is the failures of one finding, and the same by pod. */
export interface CauseGroup {
  failures: FailureRecord[];
  byPod: Map<string, FailureRecord[]>;
}

/** group collects the failures counted towards finding `id`, by pod. */
export function group(input: FindingInput, id: FindingId): CauseGroup {
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

function noPrestopDrain(input: FindingInput): Finding | null {
  const g = group(input, 'no-prestop-drain');
  if (g.failures.length === 0) return null;
  const byName = new Map(input.timelines.map((t) => [t.pod, t]));
  const evidence = [...g.byPod].map(([pod, list]) => {
    const t = byName.get(pod);
    const first = minOf(list.map(failureAtMs));
    const last = maxOf(list.map(failureAtMs));
    const parts = [`${pod}: ${plural(list.length, 'request')} on new connections failed (${kindsText(list)}) ${span(first, last)}`];
    parts.push(...terminationStory(t));
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

/**
 * terminationStory tells when a pod got SIGTERM and when routing to it
 * stopped, as precisely as the events allow: an unknown SIGTERM time is an
 * interval, and on a cluster routing stops as the slice turns the endpoint
 * not ready (it stays in the slice until the pod object is gone).
 */
function terminationStory(t: PodTimeline | undefined): string[] {
  if (!t) return [];
  const parts: string[] = [];
  if (t.sigtermMs !== null) {
    if (t.sigtermLatestMs !== null) {
      parts.push(`it got SIGTERM at an unknown moment between ${formatAt(t.sigtermMs)} and ${formatAt(t.sigtermLatestMs)}, when its preStop hook ended (the API does not show that)`);
    } else {
      const preStop = t.prestopStartMs !== null ? `after a preStop hook of ${formatDuration((t.prestopEndMs ?? t.sigtermMs) - t.prestopStartMs)}` : 'with no preStop hook';
      parts.push(`it got SIGTERM at ${formatAt(t.sigtermMs)} ${preStop}`);
    }
  }
  const stop = t.routingStoppedMs;
  if (stop === null) {
    parts.push('no endpoint change was recorded');
    return parts;
  }
  const lag = t.sigtermMs !== null && t.sigtermLatestMs === null && stop > t.sigtermMs ? `, ${formatDuration(stop - t.sigtermMs)} after its SIGTERM` : '';
  if (t.routingFromSlice) {
    parts.push(`its endpoint turned terminating (ready: false) at ${formatAt(stop)}${lag}; the proxies stop routing new connections to it only as they apply that`);
  } else if (lag) {
    parts[parts.length - 1] += `, but stayed in the endpoints until ${formatAt(stop)}${lag}`;
  } else {
    parts.push(`it left the endpoints at ${formatAt(stop)}`);
  }
  return parts;
}

function sidecarFinding(input: FindingInput): Finding | null {
  const g = group(input, 'sidecar-exited-first');
  return sidecarExitedFirst(g.byPod, input.timelines, g.failures.length);
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
  // Ambiguous failures are the rollout's, only not one pod's: analysis warnings say so, not this finding.
  const unexplained = input.causes.filter((c, i) => c === undefined && !(input.ambiguous?.has(i) ?? false)).length;
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
