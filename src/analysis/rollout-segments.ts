// A progressive rollout's steps as segments of the run, each judged on its own.
import type { FailureRecord, FindingId, OutageWindow, Results, RolloutSegment, Thresholds } from '../results/types.js';
import type { RolloutStepIndex } from './rollout-steps.js';
import { longestWithin, spanTotals } from './span-totals.js';
import { decideVerdict } from './verdict.js';
import { failureAtMs } from './windows.js';

/** SegmentInput is what the segments read: the run, its windows, each failure's cause, and the steps. */
export interface SegmentInput {
  results: Results;
  windows: readonly OutageWindow[];
  causes: ReadonlyArray<FindingId | undefined>;
  steps: RolloutStepIndex;
  thresholds: Thresholds;
}

/**
 * rolloutSegments judges each step of a progressive rollout on its own, as a
 * scenario step is: the run's thresholds applied to the requests that ended
 * from the step's start to the next step's start (the last step's reaches the
 * end of the run, when its effects show), with the causes of its failures.
 */
export function rolloutSegments(input: SegmentInput): RolloutSegment[] {
  const { results, windows, steps } = input;
  const list = steps.steps;
  return list.map((s, i) => {
    const startMs = s.atMs;
    const endMs = list[i + 1]?.atMs ?? results.meta.durationMs;
    const totals = spanTotals(results, startMs, endMs);
    const longestOutageMs = longestWithin(windows, startMs, endMs);
    const verdict = decideVerdict({ totals, longestOutageMs, findings: [], thresholds: input.thresholds });
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
      causes: causesWithin(results.failures, input.causes, startMs, endMs),
      pass: verdict.pass,
      reasons: verdict.reasons,
    };
  });
}

function causesWithin(failures: readonly FailureRecord[], causes: ReadonlyArray<FindingId | undefined>, startMs: number, endMs: number): Partial<Record<FindingId, number>> {
  const out: Partial<Record<FindingId, number>> = {};
  failures.forEach((f, i) => {
    const at = failureAtMs(f);
    const cause = causes[i];
    if (cause === undefined || at < startMs || at >= endMs) return;
    out[cause] = (out[cause] ?? 0) + 1;
  });
  return out;
}
