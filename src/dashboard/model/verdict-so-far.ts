import { NEVER_PROCESSED_KINDS, type Thresholds, type Totals } from '../../results/types.js';

/** VerdictSoFar is the running verdict: failing once a count threshold is already crossed. */
export interface VerdictSoFar {
  failing: boolean;
  text: string;
}

/**
 * verdictSoFar compares failures so far with maxErrors (rate and latency
 * limits wait for the analysis). As the verdict does, it leaves out streams
 * refused unprocessed (goaway_refused, stream_refused) unless --strict-streams.
 */
export function verdictSoFar(totals: Totals, thresholds: Thresholds | undefined): VerdictSoFar {
  const done = totals.ok + totals.failed;
  const rate = done === 0 ? 0 : (totals.failed / done) * 100;
  const rateText =
    totals.failed === 0 ? '' : ` (${rate < 0.1 ? rate.toFixed(2) : rate.toFixed(1)}%)`;
  const max = thresholds?.maxErrors;
  if (max === undefined) return { failing: false, text: `${totals.failed} failed${rateText}` };
  const left = thresholds?.strictStreams === true ? 0 : neverProcessed(totals);
  const counted = totals.failed - Math.min(left, totals.failed);
  const failing = counted > max;
  const leftText = left > 0 ? `, ${left} refused unprocessed not counted` : '';
  return {
    failing,
    text: `${failing ? 'FAILING' : 'passing'}: ${totals.failed} failed${rateText}${leftText}, max ${max}`,
  };
}

function neverProcessed(totals: Totals): number {
  let n = 0;
  for (const kind of NEVER_PROCESSED_KINDS) n += totals.byKind[kind] ?? 0;
  return n;
}
