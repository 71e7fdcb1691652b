// analysis/ owns the answer derived from one results object: outage windows,
// failure attribution, findings with fixes, the verdict, and comparisons.
// Pure functions only: it must not do I/O and must not import from cli/,
// traffic/, cluster/, report/ or dashboard/ (results/ and the ground floor only).
import type { Analysis, Attribution, FailureRecord, FindingId, OutageWindow, Results, Thresholds } from '../results/types.js';
import { attributeFailure } from './attribution.js';
import { causeOf, connectionFailure } from './causes.js';
import { attributeProxied, clientSideCause, createIngressIndex, frontDoorCause, proxiedCause, proxiedFailure } from './front-door.js';
import { createPodIndex, NEAR_EVENT_MS } from './pod-time.js';
import { KIND_NOUN, plural } from './format.js';
import { buildFindings } from './findings.js';
import { buildPodTimelines } from './pod-timeline.js';
import { decideVerdict } from './verdict.js';
import { inconclusiveReasons } from './inconclusive.js';
import { generatorBehind, lagIsHigh } from './generator-lag.js';
import { classifyPodEnds } from './termination.js';
import { createConnectionIndex } from './connection-evidence.js';
import { attributionWarnings } from './attribution-warnings.js';
import { pid1Warnings } from './pid1.js';
import { claimSlowStartTimeouts } from './findings-slow-start.js';
import { claimGapFailures } from './capacity-gaps.js';
import { withIncarnations } from './incarnations.js';
import { withLostRunners } from './verdict-runners.js';
import { failureAtMs, findOutageWindows, runWindowOptions } from './windows.js';
import { createRolloutStepIndex, stepCause } from './rollout-steps.js';
import { scaledDownInstead } from './rollout-reattribution.js';
import { rolloutSegments } from './rollout-segments.js';
import { countedWindows, uncountedStreams } from './uncounted-streams.js';

export { buildPodTimelines } from './pod-timeline.js';
export type { PodTimeline, PodSpan, PodState } from './pod-timeline.js';
export { findOutageWindows, failureAtMs, runWindowOptions } from './windows.js';
export { countedWindows, leavesOut } from './uncounted-streams.js';
export { judgeSpan } from './span-verdict.js';
export { attributeFailure } from './attribution.js';
export { createPodIndex } from './pod-time.js';
export { incarnationLabel, labelIncarnations, withIncarnations } from './incarnations.js';
export { causeOf, hiddenByRetry } from './causes.js';
export { buildFindings } from './findings.js';
export { FIXES } from './fixes.js';
export { decideVerdict, errorRate, formatRate, uncountedNote } from './verdict.js';
export { inconclusiveReasons, shortfallText } from './inconclusive.js';
export { behindSpans, generatorBehind, lagFacts, lagIsHigh, SATURATED_ELU } from './generator-lag.js';
export { classifyPodEnds, type PodEnd, type PodEndKind } from './termination.js';
export { describePid1, INSPECT_RBAC, pid1Reaction } from './pid1.js';
export { formatAt, formatDuration, KIND_NOUN } from './format.js';

/** ATTRIBUTION_CAP is how many attributions the results file keeps (the rest are counted, not stored). */
export const ATTRIBUTION_CAP = 10_000;

/** analyze derives windows, attributions, findings and the verdict from a run's results. */
export function analyze(input: Results, thresholds: Thresholds): Analysis {
  // Pods are keyed by incarnation: a name reused by a new pod (a StatefulSet's) is `web-2 (2)`.
  const results = withIncarnations(input);
  const windowOptions = runWindowOptions(results);
  const windows = findOutageWindows(results.failures, results.intervals, windowOptions);
  const timelines = buildPodTimelines(results.events);
  const pods = createPodIndex(results.events, timelines);
  const attributions: Attribution[] = [];
  const causes: Array<FindingId | undefined> = [];
  const podOf: Array<string | undefined> = [];
  const ambiguous = new Set<number>();
  const ends = classifyPodEnds(timelines, results);
  const ingress = createIngressIndex(results.events);
  const steps = createRolloutStepIndex(results.events);
  const conns = createConnectionIndex(results);
  results.failures.forEach((f, i) => {
    const withText = i < ATTRIBUTION_CAP;
    let a = attributeFailure(f, i, pods, withText);
    let cause: FindingId | undefined;
    if (proxiedFailure(f)) {
      // A proxy's 502/503/504 is a connection failure seen through the proxy (front-door.ts).
      const verdict = proxiedCause(f, a.pod, pods, ingress);
      a = attributeProxied(f, i, a, verdict.pod, pods, withText);
      const near = a.event !== undefined && Math.abs(failureAtMs(f) - a.event.atMs) <= NEAR_EVENT_MS;
      cause = byPodEnd(verdict.cause, a.pod, ends) ?? (near || a.pod !== undefined ? undefined : 'unrelated-errors');
    } else if (ingress.proxy !== null && connectionFailure(f)) {
      // Behind the embedded ingress the client's connections end at the proxy: the pod last named on one says
      // nothing. nginx closes them when it reloads; HAProxy closes one to pass on a pod's cut of a reused
      // server connection (http-reuse safe), so that the client may retry.
      cause = clientSideCause(f, ingress);
      if (cause !== undefined) {
        a = { failure: i, how: 'none', text: withText ? `${KIND_NOUN[f.kind]} on a reused client connection that ${ingress.proxy} closed when it reloaded its configuration` : '' };
      } else {
        a = attributeFailure({ ...f, pod: undefined }, i, pods, withText);
        cause = byPodEnd(frontDoorCause(failureAtMs(f), 0, a.pod, pods, ingress, false, f.startAtMs), a.pod, ends);
        if (withText && a.text) a.text += ` (${ingress.proxy} closed the client connection without an answer)`;
      }
    } else {
      cause = causeOf(f, a, pods, ends, conns);
    }
    const moved = cause === 'not-ready-traffic' ? scaledDownInstead(f, a, steps, pods, i, withText) : undefined;
    if (moved) ({ a, cause } = moved);
    cause = stepCause(cause, failureAtMs(f), a.pod, steps);
    if (cause) a.cause = cause;
    else if (a.how === 'ambiguous') ambiguous.add(i);
    causes.push(cause);
    podOf.push(a.pod);
    if (i < ATTRIBUTION_CAP) attributions.push(a);
  });
  // Timeouts on a pod while it started slowly, unexplained otherwise, are its slow start's.
  for (const i of claimSlowStartTimeouts({ results, timelines, pods: podOf }, causes)) {
    ambiguous.delete(i);
    const a = attributions[i];
    if (a !== undefined) a.cause = 'slow-start';
  }
  // Failures in the capacity gaps of a surge-less update, or while a node-local Service's node had no pod.
  for (const i of claimGapFailures(results, causes)) {
    ambiguous.delete(i);
    const a = attributions[i];
    if (a !== undefined) a.cause = causes[i];
  }
  addWindowPods(windows, results.failures, podOf);
  const findings = buildFindings({ results, timelines, causes, pods: podOf, ends, ambiguous });
  const longestOutageMs = windows.reduce((m, w) => Math.max(m, w.durationMs), 0);
  const totalOutageMs = Math.round(windows.reduce((s, w) => s + w.durationMs, 0) * 1000) / 1000;
  const behind = generatorBehind(results) ?? undefined;
  const counted = countedWindows(results, thresholds, (list) => findOutageWindows(list, results.intervals, windowOptions));
  const uncounted = uncountedStreams(results, thresholds, counted);
  const inconclusive = inconclusiveReasons(results, thresholds.strictStreams !== true);
  const verdict = withLostRunners(
    decideVerdict({ totals: results.totals, longestOutageMs, findings, thresholds, inconclusive, generatorBehind: behind, lagHigh: lagIsHigh(results), uncounted }),
    results.meta.runners,
  );
  const analysis: Analysis = { windows, totalOutageMs, longestOutageMs, attributions, findings, verdict };
  const warnings = [...attributionWarnings(results, pods), ...ambiguityWarning(ambiguous.size), ...pid1Warnings(results)];
  if (warnings.length > 0) analysis.warnings = warnings;
  if (results.failures.length > ATTRIBUTION_CAP) analysis.attributionsOmitted = results.failures.length - ATTRIBUTION_CAP;
  if (steps.steps.length > 0) analysis.rolloutSteps = rolloutSegments({ results, windows, counted, causes, pods: podOf, steps, thresholds });
  return analysis;
}

/** ambiguityWarning says how many failures no finding claims because two pods could each explain them. */
function ambiguityWarning(n: number): string[] {
  if (n === 0) return [];
  return [
    `${plural(n, 'failure')} fell while a terminating pod was still routed and a new pod had just gone not-ready again: ` +
      `either could explain ${n === 1 ? 'it' : 'them'}, so no finding claims ${n === 1 ? 'it' : 'them'} (the failure table names both pods)`,
  ];
}

/**
 * byPodEnd: a failure through a proxy at a pod's SIGKILL counts towards how
 * that pod ended (termination.ts decides sigterm-ignored, grace-too-short or
 * prestop-exceeds-grace), as a direct failure there does.
 */
function byPodEnd(cause: FindingId | undefined, pod: string | undefined, ends: ReturnType<typeof classifyPodEnds>): FindingId | undefined {
  if (cause !== 'sigterm-ignored' || pod === undefined) return cause;
  const end = ends.get(pod);
  return end === undefined || end.kind === 'teardown' || end.kind === 'crashed' ? cause : end.kind;
}

// Each failure is looked up by binary search: runs can have many failures and many windows.
function addWindowPods(windows: OutageWindow[], failures: readonly FailureRecord[], podOf: ReadonlyArray<string | undefined>): void {
  if (windows.length === 0) return;
  const pods = windows.map(() => new Set<string>());
  failures.forEach((f, i) => {
    const pod = podOf[i];
    if (pod === undefined) return;
    const at = failureAtMs(f);
    let lo = 0;
    let hi = windows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((windows[mid]?.startMs ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    const w = windows[lo];
    if (w && at >= w.startMs && at <= w.endMs) pods[lo]?.add(pod);
  });
  windows.forEach((w, i) => {
    const set = pods[i];
    if (set && set.size) w.pods = [...set].sort();
  });
}
