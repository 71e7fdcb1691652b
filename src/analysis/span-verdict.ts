// One step of a run judged on its own, by the rule the run's verdict follows:
// a scenario step's and a progressive rollout step's verdicts both come from here.
import type { FailureRecord, OutageWindow, Results, Thresholds, Totals, UncountedStreams, Verdict } from '../results/types.js';
import { longestWithin, spanTotals } from './span-totals.js';
import { spanUncounted } from './uncounted-streams.js';
import { decideVerdict } from './verdict.js';
import { failureAtMs } from './windows.js';

/** SpanVerdictInput is a step to judge: its span, its failures, and the run's windows. */
export interface SpanVerdictInput {
  results: Results;
  startMs: number;
  endMs: number;
  /** failures are the step's own; absent, those that ended within the span. */
  failures?: readonly FailureRecord[];
  /** windows are the run's outage windows; counted those of the failures the verdict counts (countedWindows). */
  windows: readonly OutageWindow[];
  counted: readonly OutageWindow[] | undefined;
  thresholds: Thresholds;
}

/** SpanVerdict is a step's totals, its longest outage, its verdict, and what the verdict left out. */
export interface SpanVerdict {
  totals: Totals;
  longestOutageMs: number;
  verdict: Verdict;
  uncounted?: UncountedStreams;
}

/**
 * judgeSpan applies the run's thresholds to one step: the requests that ended
 * within [startMs, endMs) and the step's failures, leaving out what the run's
 * verdict leaves out (streams refused unprocessed, unless --strict-streams).
 */
export function judgeSpan(input: SpanVerdictInput): SpanVerdict {
  const { results, startMs, endMs, thresholds } = input;
  const own =
    input.failures ??
    results.failures.filter((f) => {
      const at = failureAtMs(f);
      return at >= startMs && at < endMs;
    });
  const spanned = spanTotals(results, startMs, endMs);
  const totals = { ...spanned, failed: own.length, sent: spanned.ok + own.length };
  const longestOutageMs = longestWithin(input.windows, startMs, endMs);
  const uncounted = spanUncounted(own, input.counted, { startMs, endMs }, thresholds);
  const verdict = decideVerdict({ totals, longestOutageMs, findings: [], thresholds, ...(uncounted ? { uncounted } : {}) });
  return { totals, longestOutageMs, verdict, ...(uncounted ? { uncounted } : {}) };
}
