import { analyze } from '../../analysis/index.js';
import { compareWithBaseline, withRegressions, type BaselineComparison } from '../../analysis/regression.js';
import type { RegressionLimits } from '../../analysis/regression-limits.js';
import { loadResults } from '../../results/io.js';
import type { Results } from '../../results/types.js';
import type { Output } from './output.js';

/** Baseline is a saved run to judge new runs against, with the allowed regressions (--baseline-results, --max-regression). */
export interface Baseline {
  path: string;
  results: Results;
  limits: RegressionLimits;
  /** compare judges `current` (analysed) against the baseline. */
  compare(current: Results): BaselineComparison;
}

/** loadBaseline reads the baseline results file (analysing it when it was saved without analysis). */
export function loadBaseline(path: string, limits: RegressionLimits): Baseline {
  const results = loadResults(path);
  // The baseline's own verdict does not matter here, only its figures and findings.
  results.analysis ??= analyze(results, {});
  return { path, results, limits, compare: (current) => compareWithBaseline(results, current, limits) };
}

/** baselineJudge is the output that fails the verdict of a run that regressed against `baseline`; it writes nothing. */
export function baselineJudge(baseline: Baseline): Output {
  return {
    name: 'baseline',
    judge(results) {
      if (!results.analysis) return;
      const { regressions } = baseline.compare(results);
      results.analysis.verdict = withRegressions(results.analysis.verdict, regressions);
    },
    finish() {},
  };
}
