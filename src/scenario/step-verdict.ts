import { judgeSpan } from '../analysis/span-verdict.js';
import { countedWindows } from '../analysis/uncounted-streams.js';
import { findOutageWindows, runWindowOptions } from '../analysis/windows.js';
import type { ClusterEvent } from '../results/events.js';
import type { Results, StepVerdict, Thresholds } from '../results/types.js';
import type { ScenarioStep } from './types.js';

type StepStarted = Extract<ClusterEvent, { kind: 'step-started' }>;
type StepFinished = Extract<ClusterEvent, { kind: 'step-finished' }>;

/**
 * stepVerdicts judges each action step (rollout, kill-pod, scale, cmd) on its
 * own: the run's thresholds applied to the requests that ended within the
 * step's span, which runs from its start to the next action step's start (the
 * waits after a step are when its effects show), or to the end of the run.
 * A step that itself failed fails its verdict. Wait steps get no verdict.
 * Each step leaves out what the run's verdict leaves out (judgeSpan).
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
  const windowsOf = (list: Parameters<typeof findOutageWindows>[0]) => findOutageWindows(list, results.intervals, runWindowOptions(results));
  const windows = results.analysis?.windows ?? windowsOf(results.failures);
  const counted = countedWindows(results, thresholds, windowsOf);
  return actions.map((step, i) => {
    const startMs = (started.get(step.index) as StepStarted).atMs;
    const next = actions[i + 1];
    const endMs = next ? (started.get(next.index) as StepStarted).atMs : runEndMs;
    const done = finished.get(step.index);
    const { totals, verdict, uncounted } = judgeSpan({ results, startMs, endMs, windows, counted, thresholds });
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
      ...(uncounted ? { uncounted } : {}),
    };
  });
}
