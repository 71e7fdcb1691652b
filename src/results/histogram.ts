import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './types.js';

/** Histogram is an HDR histogram of µs values. */
export type Histogram = hdr.Histogram;

// One configuration for every histogram in a run, so that worker threads,
// intervals and in-cluster runners merge exactly (1 µs .. 10 min, 3 digits).
const BUILD: hdr.BuildRequest = {
  bitBucketSize: 32,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 600_000_000,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
};

/** createHistogram makes an empty µs histogram with the run's one configuration. */
export function createHistogram(): Histogram {
  return hdr.build(BUILD);
}

/** recordUs records one value in µs, clamped to at least 1. */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(Math.max(1, Math.round(us)));
}

/** encodeHistogram serializes a histogram to compressed base64 ("" for an empty one). */
export function encodeHistogram(h: Histogram): string {
  return h.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(h);
}

/** decodeHistogram reads what encodeHistogram wrote (an empty string gives an empty histogram). */
export function decodeHistogram(encoded: string): Histogram {
  if (encoded === '') return createHistogram();
  const h = createHistogram();
  h.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
  return h;
}

/** mergeEncoded adds encoded histograms into one (into `into` when given). */
export function mergeEncoded(
  encoded: Iterable<string>,
  into: Histogram = createHistogram(),
): Histogram {
  for (const e of encoded) if (e !== '') into.add(hdr.decodeFromCompressedBase64(e, 32, false));
  return into;
}

/** EMPTY_SUMMARY is the summary of no values. */
export const EMPTY_SUMMARY: LatencySummary = Object.freeze({
  count: 0,
  p50Us: 0,
  p90Us: 0,
  p99Us: 0,
  p999Us: 0,
  maxUs: 0,
  meanUs: 0,
});

/** summarize reads the usual quantiles of a histogram. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...EMPTY_SUMMARY };
  return {
    count: h.totalCount,
    p50Us: h.getValueAtPercentile(50),
    p90Us: h.getValueAtPercentile(90),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    maxUs: h.maxValue,
    meanUs: Math.round(h.mean),
  };
}
