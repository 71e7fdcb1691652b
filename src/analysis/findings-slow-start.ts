import type { FailureKind, Finding, FindingId } from '../results/types.js';
import { quantileMs } from '../results/service-buckets.js';
import type { FindingInput, FindingRule } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, formatDuration, KIND_NOUN, plural } from './format.js';
import { inStartup, matchedIntervals, SLOW_START_MS, startupWindows, statsOf, type Stats } from './startup-windows.js';
import { failureAtMs } from './windows.js';

export { SLOW_START_MS } from './startup-windows.js';

/**
 * SLOW_START_RULES are the thresholds, and why:
 * - p50: the start-up median at least 2× the reference's and 50 ms above it. A
 *   moved median means most requests were slow: the pod as a whole was not warm.
 *   The margin keeps a 2 ms → 5 ms wobble of a fast app from counting.
 * - p99: at least 3× and 100 ms above, from p99MinAnswers answers on. The tail
 *   is noisy (GC pauses, a loaded client machine, new connections' handshakes),
 *   so a tail-only slowness must stand out more, and under 100 answers the p99
 *   is just the slowest answer.
 * - minAnswers: a p50 from fewer answers is a handful. With pinned HTTP/2 or
 *   gRPC connections a handful is often one connection's first streams at a
 *   moment no settled pod answered; the matched intervals keep those out.
 * - timeouts: a pod that times out is slow. At least failMin timeouts that are
 *   failShare of its requests in the window, at failFactor times the settled
 *   pods' timeout share over the same time.
 * The reference is the settled pods over the same intervals (pods not in a
 * start-up of their own; only the intervals in which both answered, so that
 * both met the same moments: matchedIntervals) and, when there are enough of its answers, the same pod
 * over the LATER_MS after its start-up: a pod that is as slow later has no
 * slow start (the new version is slower, or its node is), so both must hold.
 */
export const SLOW_START_RULES = {
  p50Factor: 2,
  p50MarginMs: 50,
  p99Factor: 3,
  p99MarginMs: 100,
  p99MinAnswers: 100,
  minAnswers: 10,
  failMin: 3,
  failShare: 0.01,
  failFactor: 5,
} as const;

/** Verdict on one comparison: which of the three rules held. */
export interface Slowness {
  p50: boolean;
  p99: boolean;
  timeouts: boolean;
}

function p50Slow(first: Stats, ref: Stats, hasBuckets: boolean): boolean {
  const r = SLOW_START_RULES;
  const a = hasBuckets ? quantileMs(first.buckets, 0.5) : first.meanMs;
  const b = hasBuckets ? quantileMs(ref.buckets, 0.5) : ref.meanMs;
  return a >= b * r.p50Factor && a >= b + r.p50MarginMs;
}

function p99Slow(first: Stats, ref: Stats): boolean {
  const r = SLOW_START_RULES;
  if (first.buckets.total < r.p99MinAnswers) return false;
  const a = quantileMs(first.buckets, 0.99);
  const b = quantileMs(ref.buckets, 0.99);
  return a >= b * r.p99Factor && a >= b + r.p99MarginMs;
}

function timeoutShare(s: Stats): number {
  const n = s.answers + s.timeouts;
  return n === 0 ? 0 : s.timeouts / n;
}

function timeoutsSlow(first: Stats, ref: Stats): boolean {
  const r = SLOW_START_RULES;
  const share = timeoutShare(first);
  return first.timeouts >= r.failMin && share >= r.failShare && timeoutShare(ref) * r.failFactor <= share;
}

/** describe says one group's figures: "p50 412 ms, p99 980 ms (431 answers; failed: 3 timeout, 1 reset)". */
function describe(s: Stats, hasBuckets: boolean): string {
  const failed = [...(s.timeouts > 0 ? [`${s.timeouts} ${KIND_NOUN.timeout}`] : []), ...Object.entries(s.otherFailures).map(([kind, n]) => `${n} ${KIND_NOUN[kind as FailureKind]}`)];
  const counts = plural(s.answers, 'answer') + (failed.length > 0 ? `; failed: ${failed.join(', ')}` : '');
  const figures = hasBuckets
    ? `p50 ${formatDuration(quantileMs(s.buckets, 0.5))}, p99 ${formatDuration(quantileMs(s.buckets, 0.99))}`
    : `mean ${formatDuration(s.meanMs)}`;
  return `${figures} (${counts})`;
}

function slowWords(s: Slowness): string {
  const parts = [s.p50 ? 'p50' : '', s.p99 ? 'p99' : '', s.timeouts ? 'timeouts' : ''].filter((x) => x !== '');
  return parts.join(' and ');
}

/** StartupFigures are one group's figures over a start-up window (ms; p50/p99 null without distributions). */
export interface StartupFigures {
  answers: number;
  p50Ms: number | null;
  p99Ms: number | null;
  meanMs: number;
  timeouts: number;
}

/** StartupComparison is one pod's start-up against the settled pods and itself later, and which rules held. */
export interface StartupComparison {
  pod: string;
  readyMs: number;
  /** untilMs ends its start-up window (exclusive). */
  untilMs: number;
  again: boolean;
  /** compared: both sides had enough answers (or timeouts) to decide. */
  compared: boolean;
  slow: Slowness;
  first: StartupFigures;
  settled: StartupFigures;
  /** later is null when the same pod answered too little after its start-up to compare. */
  later: StartupFigures | null;
  /** evidence is the finding's line for it (set when slow). */
  evidence?: string;
}

function figuresOf(s: Stats, hasBuckets: boolean): StartupFigures {
  return {
    answers: s.answers,
    p50Ms: hasBuckets ? round1(quantileMs(s.buckets, 0.5)) : null,
    p99Ms: hasBuckets ? round1(quantileMs(s.buckets, 0.99)) : null,
    meanMs: round1(s.meanMs),
    timeouts: s.timeouts,
  };
}

/**
 * compareStartups looks at every start-up in the run (a new pod's first
 * ready, any pod's ready again after not ready): its first SLOW_START_MS of
 * answers against the settled pods at the same time and the same pod later.
 * slowStart reports the slow ones; `npm run slow-start` prints the margins of all.
 */
export function compareStartups(input: Pick<FindingInput, 'results' | 'timelines' | 'pods'>): StartupComparison[] {
  const { results } = input;
  const hasBuckets = results.intervals.some((s) => s.okServiceBucketsByPod !== undefined);
  const windows = startupWindows(results, input.timelines, input.pods);
  const r = SLOW_START_RULES;
  const out: StartupComparison[] = [];
  for (const w of windows) {
    // Both sides over the same moments only: the intervals in which the pod and the settled pods were heard.
    const isSettled = (p: string, i: number): boolean => p !== w.pod && !inStartup(windows, p, i);
    const { matched, heard } = matchedIntervals(input, w, isSettled);
    const first = statsOf(input, w.fromIndex, w.toIndex, (p, i) => p === w.pod && matched.has(i), w.readyMs);
    const settled = statsOf(input, w.fromIndex, w.toIndex, (p, i) => isSettled(p, i) && matched.has(i), w.readyMs);
    const later = statsOf(input, w.toIndex, w.laterToIndex, (p) => p === w.pod, -Infinity);
    const compared = settled.answers >= r.minAnswers && (first.answers >= r.minAnswers || first.timeouts >= r.failMin);
    const withLater = later.answers >= r.minAnswers;
    const slow: Slowness = {
      p50: compared && first.answers >= r.minAnswers && p50Slow(first, settled, hasBuckets) && (!withLater || p50Slow(first, later, hasBuckets)),
      p99: compared && hasBuckets && p99Slow(first, settled) && (!withLater || p99Slow(first, later)),
      timeouts: compared && timeoutsSlow(first, settled),
    };
    const c: StartupComparison = {
      pod: w.pod,
      readyMs: w.readyMs,
      untilMs: (results.intervals[w.toIndex - 1]?.atMs ?? w.readyMs) + (results.meta.intervalMs || 100),
      again: w.again,
      compared,
      slow,
      first: figuresOf(first, hasBuckets),
      settled: figuresOf(settled, hasBuckets),
      later: withLater ? figuresOf(later, hasBuckets) : null,
    };
    if (slow.p50 || slow.p99 || slow.timeouts) {
      const lead = w.again ? `ready again (after not ready) at ${formatAt(w.readyMs)}` : `ready at ${formatAt(w.readyMs)}`;
      const fromMs = results.intervals[w.fromIndex]?.atMs ?? w.readyMs;
      const spanMs = (w.toIndex - w.fromIndex) * (results.meta.intervalMs || 100);
      const laterText = withLater
        ? describe(later, hasBuckets)
        : later.answers === 0 ? 'no answers to compare' : `only ${plural(later.answers, 'answer')}, too few to compare`;
      const intervalMs = results.meta.intervalMs || 100;
      const partly = matched.size < heard.size ? ` (the ${formatDuration(matched.size * intervalMs)} of it in which both answered; the rest left out)` : '';
      c.evidence =
        `${w.pod}: ${lead}, traffic from ${formatAt(Math.max(fromMs, w.readyMs))}. Its first ${formatDuration(spanMs)}: ${describe(first, hasBuckets)}; ` +
        `the same pod later: ${laterText}; the settled pods meanwhile: ${describe(settled, hasBuckets)}${partly}. Slow at ${slowWords(slow)}.`;
    }
    out.push(c);
  }
  return out;
}

/**
 * claimSlowStartTimeouts: a timeout on a pod during a start-up found slow, that
 * no other finding explains (unrelated-errors, or no cause near a pod event),
 * counts towards slow-start: the pod did not answer in time because it was not
 * warm. Failures just after ready stay not-ready-traffic (causes.ts), and other
 * kinds keep their cause (a reset or a refusal is not slowness). Changes
 * `causes` in place and returns the indexes it claimed.
 */
export function claimSlowStartTimeouts(
  input: Pick<FindingInput, 'results' | 'timelines' | 'pods'>,
  causes: Array<FindingId | undefined>,
): number[] {
  const slow = compareStartups(input).filter((c) => c.evidence !== undefined);
  if (slow.length === 0) return [];
  const claimed: number[] = [];
  input.results.failures.forEach((f, i) => {
    if (f.kind !== 'timeout' || (causes[i] !== undefined && causes[i] !== 'unrelated-errors')) return;
    const pod = input.pods[i];
    const at = failureAtMs(f);
    if (!slow.some((c) => c.pod === pod && at >= c.readyMs && at < c.untilMs)) return;
    causes[i] = 'slow-start';
    claimed.push(i);
  });
  return claimed;
}

/**
 * slowStart finds pods whose first SLOW_START_MS of answers after becoming
 * ready (a new pod's first ready, or any pod's ready again after not ready)
 * were much slower than the settled pods at the same time and than the same
 * pod later, or timed out: ready before warm. Evidence is each such pod's p50
 * and p99 ok service time (end − actual start, so the client's own queue is
 * left out) from the per-pod distributions; a results file without them gives
 * means only, and says so.
 */
export const slowStart: FindingRule = { id: 'slow-start', find };

function find(input: FindingInput): Finding | null {
  const hasBuckets = input.results.intervals.some((s) => s.okServiceBucketsByPod !== undefined);
  const slow = compareStartups(input).filter((c) => c.evidence !== undefined);
  if (slow.length === 0) return null;
  const r = SLOW_START_RULES;
  const slowPods = [...new Set(slow.map((c) => c.pod))];
  const data: Record<string, number | string | boolean> = { basis: hasBuckets ? 'p50/p99' : 'mean' };
  for (const c of slow) {
    const key = c.again ? `${c.pod}@${Math.round(c.readyMs)}` : c.pod;
    if (hasBuckets) {
      data[`${key} firstP50Ms`] = c.first.p50Ms ?? 0;
      data[`${key} firstP99Ms`] = c.first.p99Ms ?? 0;
      data[`${key} settledP50Ms`] = c.settled.p50Ms ?? 0;
      data[`${key} settledP99Ms`] = c.settled.p99Ms ?? 0;
    } else {
      data[`${key} firstMeanMs`] = c.first.meanMs;
      data[`${key} settledMeanMs`] = c.settled.meanMs;
    }
    data[`${key} timeouts`] = c.first.timeouts;
  }
  const evidence = slow.map((c) => c.evidence ?? '');
  evidence.push(
    hasBuckets
      ? `Slow means: p50 at least ${r.p50Factor}× and ${r.p50MarginMs} ms above the settled pods' (and the same pod's later, when it answered enough), ` +
          `or p99 at least ${r.p99Factor}× and ${r.p99MarginMs} ms above (from ${r.p99MinAnswers} answers), or timeouts on ${Math.round(r.failShare * 100)} % of its requests ` +
          `(at least ${r.failMin}) at ${r.failFactor}× the settled pods' share, from ${r.minAnswers} answers, over the moments both answered. ` +
          'Service time is end − actual start: the client\'s own queue is left out.'
      : `This results file has no per-pod latency distributions (written before they were recorded): the comparison is of each pod's mean service time only ` +
          `(slow: at least ${r.p50Factor}× and ${r.p50MarginMs} ms above), or of timeouts.`,
  );
  evidence.push('The pods were marked ready, and sent traffic, before they could serve at full speed.');
  return {
    id: 'slow-start',
    severity: 'warning',
    title: `${plural(slowPods.length, 'pod')} served slowly in ${slowPods.length === 1 ? 'its' : 'their'} first ${formatDuration(SLOW_START_MS)} after becoming ready`,
    evidence,
    fix: FIXES['slow-start'],
    pods: slowPods,
    failures: input.causes.filter((c) => c === 'slow-start').length,
    data,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
