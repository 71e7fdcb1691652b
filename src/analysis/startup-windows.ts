// A pod's start-ups (a new pod's first ready, any pod's ready again after not
// ready) and the figures of a group of pods over some of the run's intervals:
// what the slow-start finding (findings-slow-start.ts) compares.
import type { FailureKind, Results } from '../results/types.js';
import { addCompact, createBuckets, type ServiceBuckets } from '../results/service-buckets.js';
import type { FindingInput } from './finding-kit.js';
import type { PodTimeline } from './pod-timeline.js';
import { terminationStartMs } from './pod-time.js';
import { failureAtMs } from './windows.js';

/** SLOW_START_MS is how long after its first answer (once ready) a pod counts as starting. */
export const SLOW_START_MS = 5000;
/** LATER_MS is how long after its start-up the same pod is looked at again, for comparison. */
const LATER_MS = 2 * SLOW_START_MS;

/** StartupWindow is one pod's start-up: from ready (first or again after not ready), its first intervals with traffic. */
export interface StartupWindow {
  pod: string;
  readyMs: number;
  /** again: the pod was ready before, went not ready, and came back. */
  again: boolean;
  /** fromIndex..toIndex (exclusive) are the intervals of its first SLOW_START_MS of answers. */
  fromIndex: number;
  toIndex: number;
  /** laterToIndex (exclusive) ends the same pod's later intervals (it left ready, terminated, or LATER_MS passed). */
  laterToIndex: number;
}

/** Stats is one group's ok answers over some intervals: count, mean, and the distribution when recorded. */
export interface Stats {
  answers: number;
  meanMs: number;
  buckets: ServiceBuckets;
  /** timeouts and other connection failures attributed to the group over the same time. */
  timeouts: number;
  otherFailures: Partial<Record<FailureKind, number>>;
}

/** readySpans lists each time a pod became ready with when that ready state ended (null: still ready). */
function readySpans(t: PodTimeline): Array<{ startMs: number; endMs: number | null; again: boolean }> {
  const out: Array<{ startMs: number; endMs: number | null; again: boolean }> = [];
  let seenReady = false;
  let prev: string | null = null;
  for (const s of t.spans) {
    if (s.state === 'ready') {
      const again = seenReady && prev === 'not-ready';
      out.push({ startMs: s.startMs, endMs: s.endMs, again });
      seenReady = true;
    }
    prev = s.state;
  }
  // The spans start at the first event seen: a pod ready before recording has no ready span but readyMs.
  if (out.length === 0 && t.readyMs !== null) out.push({ startMs: t.readyMs, endMs: null, again: false });
  return out;
}

/**
 * startupWindows finds every start-up in the run: a new pod's first ready, and
 * any pod's ready again after not ready. Each starts with the pod's first answer
 * or first failure attributed to it after ready (a pod that only times out at
 * first has a start-up too).
 */
export function startupWindows(results: Results, timelines: readonly PodTimeline[], pods: FindingInput['pods']): StartupWindow[] {
  const from = results.meta.recordedFromMs ?? 0;
  const intervalMs = results.meta.intervalMs || 100;
  const out: StartupWindow[] = [];
  for (const t of timelines) {
    const fresh = t.createdMs !== null && t.createdMs >= from;
    const termMs = terminationStartMs(t) ?? Number.POSITIVE_INFINITY;
    for (const span of readySpans(t)) {
      if (!fresh && !span.again) continue;
      const leftMs = Math.min(span.endMs ?? Number.POSITIVE_INFINITY, termMs);
      // Its first seconds of traffic: endpoints propagate, keep-alive connections move over only later.
      const answered = results.intervals.findIndex((s) => s.atMs + intervalMs > span.startMs && (s.okByPod[t.pod] ?? 0) > 0);
      const failedAtMs = firstFailureMs(results, pods, t.pod, span.startMs);
      const failed = failedAtMs === null ? -1 : results.intervals.findIndex((s) => s.atMs + intervalMs > failedAtMs);
      const first = answered < 0 ? failed : failed < 0 ? answered : Math.min(answered, failed);
      if (first < 0 || (results.intervals[first]?.atMs ?? 0) >= leftMs) continue;
      const endIndex = (ms: number): number => {
        const i = results.intervals.findIndex((s) => s.atMs >= ms);
        return i < 0 ? results.intervals.length : i;
      };
      const fromIndex = first;
      const steps = Math.round(SLOW_START_MS / intervalMs);
      const toIndex = Math.min(fromIndex + steps, endIndex(leftMs));
      const laterToIndex = Math.max(toIndex, Math.min(toIndex + Math.round(LATER_MS / intervalMs), endIndex(leftMs)));
      out.push({ pod: t.pod, readyMs: span.startMs, again: span.again, fromIndex, toIndex, laterToIndex });
    }
  }
  return out;
}

/** firstFailureMs is when the first failure attributed to `pod` at or after `fromMs` happened (null: none). */
function firstFailureMs(results: Results, pods: FindingInput['pods'], pod: string, fromMs: number): number | null {
  let first: number | null = null;
  results.failures.forEach((f, i) => {
    if ((pods[i] ?? f.pod) !== pod) return;
    const at = failureAtMs(f);
    if (at >= fromMs && (first === null || at < first)) first = at;
  });
  return first;
}

/**
 * matchedIntervals are the intervals of a start-up in which both sides of the
 * comparison were heard (`matched`; `heard` those in which the pod was): the pod (an answer, or a failure attributed to it) and
 * the settled pods (an answer). Only there do the two meet the same moments,
 * the same machine and client: with long-lived connections (HTTP/2, gRPC) new
 * pods get their first streams late and their start-ups overlap, so the
 * settled pods may answer in a sliver of the window only, and a hiccup that
 * slowed every pod alike would otherwise read as the new pod's slow start.
 */
export function matchedIntervals(
  input: Pick<FindingInput, 'results' | 'pods'>,
  w: StartupWindow,
  settled: (pod: string, index: number) => boolean,
): { matched: Set<number>; heard: Set<number> } {
  const { results } = input;
  const heard = new Set<number>();
  const both = new Set<number>();
  for (let i = w.fromIndex; i < w.toIndex; i += 1) {
    const byPod = results.intervals[i]?.okByPod ?? {};
    if ((byPod[w.pod] ?? 0) > 0) heard.add(i);
    if (Object.entries(byPod).some(([pod, n]) => n > 0 && settled(pod, i))) both.add(i);
  }
  results.failures.forEach((f, k) => {
    if ((input.pods[k] ?? f.pod) !== w.pod || failureAtMs(f) < w.readyMs) return;
    const i = intervalIndexAt(results, failureAtMs(f));
    if (i >= w.fromIndex && i < w.toIndex) heard.add(i);
  });
  for (const i of both) if (!heard.has(i)) both.delete(i);
  return { matched: both, heard };
}

/** intervalIndexAt is the index in `results.intervals` of the interval holding `atMs`. */
function intervalIndexAt(results: Results, atMs: number): number {
  const intervalMs = results.meta.intervalMs || 100;
  return Math.floor(atMs / intervalMs) - Math.floor((results.intervals[0]?.atMs ?? 0) / intervalMs);
}

/** inStartup tells whether interval `index` is in one of the pod's start-ups. */
export function inStartup(windows: readonly StartupWindow[], pod: string, index: number): boolean {
  return windows.some((w) => w.pod === pod && index >= w.fromIndex && index < w.toIndex);
}

/** statsOf gathers the ok answers of the pods `pick` accepts over intervals [fromIndex, toIndex), and their failures. */
export function statsOf(
  input: Pick<FindingInput, 'results' | 'pods'>,
  fromIndex: number,
  toIndex: number,
  pick: (pod: string, index: number) => boolean,
  failuresFromMs: number,
): Stats {
  const { results } = input;
  const stats: Stats = { answers: 0, meanMs: 0, buckets: createBuckets(), timeouts: 0, otherFailures: {} };
  let us = 0;
  for (let i = fromIndex; i < toIndex; i += 1) {
    const s = results.intervals[i];
    if (s === undefined) continue;
    for (const [pod, n] of Object.entries(s.okByPod)) {
      if (!pick(pod, i)) continue;
      stats.answers += n;
      us += s.okServiceUsByPod?.[pod] ?? 0;
      const c = s.okServiceBucketsByPod?.[pod];
      if (c !== undefined) addCompact(stats.buckets, c);
    }
  }
  stats.meanMs = stats.answers === 0 ? 0 : us / stats.answers / 1000;
  const intervalMs = results.meta.intervalMs || 100;
  const fromMs = Math.max(failuresFromMs, (results.intervals[fromIndex]?.atMs ?? 0));
  const toMs = (results.intervals[toIndex - 1]?.atMs ?? 0) + intervalMs;
  results.failures.forEach((f, i) => {
    const pod = input.pods[i] ?? f.pod;
    const at = failureAtMs(f);
    if (pod === undefined || at < fromMs || at >= toMs) return;
    if (!pick(pod, intervalIndexAt(results, at))) return;
    if (f.kind === 'timeout') stats.timeouts += 1;
    else stats.otherFailures[f.kind] = (stats.otherFailures[f.kind] ?? 0) + 1;
  });
  return stats;
}
