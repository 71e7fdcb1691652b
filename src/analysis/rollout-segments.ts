// A progressive rollout's steps as segments of the run, each judged on its own.
import type { FindingId, OutageWindow, Results, RolloutSegment, Thresholds } from '../results/types.js';
import type { RolloutStepIndex } from './rollout-steps.js';
import { judgeSpan } from './span-verdict.js';
import { formatAt } from './format.js';
import { failureAtMs } from './windows.js';

/** SegmentInput is what the segments read: the run, its windows, each failure's cause, and the steps. */
export interface SegmentInput {
  results: Results;
  windows: readonly OutageWindow[];
  /** counted: the windows of the failures the verdict counts (countedWindows), undefined when it counts them all. */
  counted: readonly OutageWindow[] | undefined;
  causes: ReadonlyArray<FindingId | undefined>;
  /** pods[i] is the pod failure i was attributed to. */
  pods: ReadonlyArray<string | undefined>;
  steps: RolloutStepIndex;
  thresholds: Thresholds;
}

/**
 * rolloutSegments judges each step of a progressive rollout on its own, as a
 * scenario step is: the run's thresholds applied to the requests that ended
 * from the step's start to the next step's start (the last step's reaches the
 * end of the run, when its effects show) and to the failures that are the
 * step's (failureSteps), with their causes; what the run's verdict leaves
 * out (streams refused unprocessed) each step's leaves out too.
 */
export function rolloutSegments(input: SegmentInput): RolloutSegment[] {
  const { results, windows, steps } = input;
  const list = steps.steps;
  const stepOf = failureSteps(input);
  return list.map((s, i) => {
    const startMs = s.atMs;
    const endMs = list[i + 1]?.atMs ?? results.meta.durationMs;
    const mine = stepOf.flatMap((k, f) => (k === i ? [f] : []));
    const failures = mine.map((f) => results.failures[f]).filter((f) => f !== undefined);
    const judged = judgeSpan({ results, startMs, endMs, failures, windows, counted: input.counted, thresholds: input.thresholds });
    const { totals, longestOutageMs, verdict } = judged;
    const causes: Partial<Record<FindingId, number>> = {};
    for (const f of mine) {
      const cause = input.causes[f];
      if (cause !== undefined) causes[cause] = (causes[cause] ?? 0) + 1;
    }
    return {
      strategy: s.strategy,
      index: s.index,
      step: s.step,
      action: s.action,
      weight: s.weight,
      startMs,
      endMs,
      completed: totals.ok + totals.failed,
      failures: totals.failed,
      longestOutageMs,
      windows: windows.filter((w) => w.endMs > startMs && w.startMs < endMs).length,
      causes,
      pass: verdict.pass,
      // A step the cluster's watch only showed as passed: it has no span of its own to judge.
      reasons: s.seenLate ? [`began before the cluster's watch showed it (some time before ${formatAt(startMs)}): its requests count in the step after it`, ...verdict.reasons] : verdict.reasons,
      ...(s.seenLate ? { seenLate: true } : {}),
      ...(judged.uncounted ? { uncounted: judged.uncounted } : {}),
    };
  });
}

/**
 * failureSteps gives each failure its step (an index into the steps, -1 before
 * the first): a failure on a pod the rollout took down belongs to the step in
 * which that pod's termination began (its scale-down's), even when the pod died
 * later (a SIGKILL at the grace period, a step or two on); any other failure to
 * the step in effect when it ended.
 */
function failureSteps(input: SegmentInput): number[] {
  const list = input.steps.steps;
  const indexAt = (atMs: number): number => {
    let k = -1;
    for (let i = 0; i < list.length && (list[i]?.atMs ?? Infinity) <= atMs; i += 1) k = i;
    return k;
  };
  const terminatedIn = new Map<string, { atMs: number; step: number }>();
  for (const e of input.results.events) {
    if (e.kind !== 'pod-terminating') continue;
    // A pod a scale-down or abort named is that step's, even when the watch showed its end a moment before the step.
    const by = input.steps.scaledDownBy.get(e.pod);
    const step = by !== undefined ? list.indexOf(by) : indexAt(e.atMs);
    if (step >= 0) terminatedIn.set(e.pod, { atMs: e.atMs, step });
  }
  return input.results.failures.map((f, i) => {
    const at = failureAtMs(f);
    const pod = input.pods[i];
    const ended = pod === undefined ? undefined : terminatedIn.get(pod);
    return ended !== undefined && at >= ended.atMs ? ended.step : indexAt(at);
  });
}
