import { decideVerdict } from '../analysis/verdict.js';
import { failureAtMs, findOutageWindows } from '../analysis/windows.js';
import type { ClusterEvent } from '../results/events.js';
import { EMPTY_SUMMARY, mergeEncoded, summarize } from '../results/histogram.js';
import type { OutageWindow, Results, StepVerdict, Thresholds, Totals } from '../results/types.js';
import type { ScenarioStep } from './types.js';

type StepStarted = Extract<ClusterEvent, { kind: 'step-started' }>;
type StepFinished = Extract<ClusterEvent, { kind: 'step-finished' }>;

/**
 * stepVerdicts judges each action step (rollout, kill-pod, scale, cmd) on its
 * own: the run's thresholds applied to the requests that ended within the
 * step's span, which runs from its start to the next action step's start (the
 * waits after a step are when its effects show), or to the end of the run.
 * A step that itself failed fails its verdict. Wait steps get no verdict.
 */
export function stepVerdicts(
  results: Results,
  steps: readonly ScenarioStep[],
  thresholds: Thresholds,
): StepVerdict[] {
  const started = new Map<number, StepStarted>();
  const finished = new Map<number, StepFinished>();
  for (const e of results.events) {
    if (e.kind === 'step-started') started.set(e.index, e);
    if (e.kind === 'step-finished') finished.set(e.index, e);
  }
  const actions = steps.filter((s) => s.action.kind !== 'wait' && started.has(s.index));
  const runEndMs = results.meta.durationMs;
  const windows =
    results.analysis?.windows ??
    findOutageWindows(results.failures, results.intervals, {
      ratePerSec: results.totals.targetRatePerSec || results.totals.achievedRatePerSec,
      intervalMs: results.meta.intervalMs || undefined,
    });
  return actions.map((step, i) => {
    const startMs = (started.get(step.index) as StepStarted).atMs;
    const next = actions[i + 1];
    const endMs = next ? (started.get(next.index) as StepStarted).atMs : runEndMs;
    const done = finished.get(step.index);
    const totals = spanTotals(results, startMs, endMs);
    const verdict = decideVerdict({
      totals,
      longestOutageMs: longestWithin(windows, startMs, endMs),
      findings: [],
      thresholds,
    });
    const ok = done ? done.ok : false;
    const error = done ? done.error : 'the step did not finish (interrupted)';
    const reasons = ok
      ? verdict.reasons
      : [
          `the step failed: ${error ?? 'unknown error'}`,
          ...verdict.reasons.filter(() => !verdict.pass),
        ];
    return {
      index: step.index,
      step: step.label,
      startMs,
      endMs,
      ok,
      ...(error ? { error } : {}),
      failures: totals.failed,
      completed: totals.ok + totals.failed,
      pass: ok && verdict.pass,
      reasons,
    };
  });
}

/** spanTotals counts failures and ok answers that ended in [startMs, endMs), with their latency. */
function spanTotals(results: Results, startMs: number, endMs: number): Totals {
  const failed = results.failures.filter((f) => {
    const at = failureAtMs(f);
    return at >= startMs && at < endMs;
  }).length;
  const inSpan = results.intervals.filter((s) => s.atMs >= startMs && s.atMs < endMs);
  const ok = inSpan.reduce((n, s) => n + (s.done.new.ok ?? 0) + (s.done.reused.ok ?? 0), 0);
  const histograms = inSpan.map((s) => s.histogram).filter((h) => h.length > 0);
  const latency = histograms.length > 0 ? summarize(mergeEncoded(histograms)) : EMPTY_SUMMARY;
  const conn = { completed: 0, ok: 0, failed: 0, byKind: {} };
  return {
    sent: ok + failed,
    ok,
    failed,
    inFlightAtStop: 0,
    dropped: 0,
    byKind: {},
    byConn: { new: conn, reused: conn },
    byPopulation: {
      keepalive: { sent: 0, ok: 0, failed: 0 },
      fresh: { sent: 0, ok: 0, failed: 0 },
    },
    targetRatePerSec: results.totals.targetRatePerSec,
    achievedRatePerSec: 0,
    latency,
    lag: EMPTY_SUMMARY,
  };
}

/** longestWithin is the longest part of any outage window that falls inside the span. */
function longestWithin(windows: readonly OutageWindow[], startMs: number, endMs: number): number {
  let longest = 0;
  for (const w of windows) {
    const clipped = Math.min(w.endMs, endMs) - Math.max(w.startMs, startMs);
    if (clipped > longest) longest = clipped;
  }
  return longest;
}
