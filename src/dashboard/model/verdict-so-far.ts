import type { Thresholds, Totals } from '../../results/types.js';

/** VerdictSoFar is the running verdict: failing once a count threshold is already crossed. */
export interface VerdictSoFar {
  failing: boolean;
  text: string;
}

/** verdictSoFar compares failures so far with maxErrors (rate and latency limits wait for the analysis). */
export function verdictSoFar(totals: Totals, thresholds: Thresholds | undefined): VerdictSoFar {
  const done = totals.ok + totals.failed;
  const rate = done === 0 ? 0 : (totals.failed / done) * 100;
  const rateText =
    totals.failed === 0 ? '' : ` (${rate < 0.1 ? rate.toFixed(2) : rate.toFixed(1)}%)`;
  const max = thresholds?.maxErrors;
  if (max === undefined) return { failing: false, text: `${totals.failed} failed${rateText}` };
  const failing = totals.failed > max;
  return {
    failing,
    text: `${failing ? 'FAILING' : 'passing'}: ${totals.failed} failed${rateText}, max ${max}`,
  };
}
