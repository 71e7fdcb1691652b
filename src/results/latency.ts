import { EMPTY_SUMMARY, type Histogram } from './histogram.js';
import type { LatencySummary } from './types.js';

/**
 * summarizeWithSum reads a histogram's quantiles like `summarize`, but takes
 * the mean from a sum the caller tracked: hdr-histogram-js computes `mean`
 * by iterating every recorded value (tens of ms on a wide histogram), which
 * the live view cannot afford ten times a second.
 */
export function summarizeWithSum(h: Histogram, sumUs: number): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return { ...EMPTY_SUMMARY };
  return {
    count,
    p50Us: h.getValueAtPercentile(50),
    p90Us: h.getValueAtPercentile(90),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    maxUs: h.maxValue,
    meanUs: Math.round(sumUs / count),
  };
}
