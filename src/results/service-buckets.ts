/**
 * Per-pod service-time distributions: a fixed log-bucket array, coarse on
 * purpose. Bucket i holds the values nearest 10^(i/10) µs on a log scale,
 * [10^((i-0.5)/10), 10^((i+0.5)/10)), ten a decade: the centres are the round
 * numbers 1, 1.26, 1.58, 2, 2.5, 3.2, 4, 5, 6.3, 8 (a value of 50 ms reads as
 * 50 ms), and a quantile read from it is within about ±12 % of the true value:
 * enough to tell a pod that answers in 400 ms from one that answers in 50 ms,
 * small enough that every pod of every interval can carry one.
 *
 * On the wire and in the results file a distribution is "compact": the first
 * non-empty bucket's index, then the counts from it to the last non-empty one
 * (`[27, 3, 0, 118, 4]`). Compact arrays merge exactly (workers, runners,
 * intervals), since every source uses these same buckets.
 */

/** BUCKETS_PER_DECADE is the buckets' resolution: ten a decade (1 significant digit and a bit). */
export const BUCKETS_PER_DECADE = 10;
// 1 µs .. 10 min, as the run's HDR histograms.
const BUCKET_COUNT = Math.ceil(Math.log10(600_000_000) * BUCKETS_PER_DECADE) + 1;

/** Compact is a distribution as stored: [first bucket, count, count, …]; [] when empty. */
export type Compact = number[];

/** ServiceBuckets is a distribution being filled or merged: dense counts by bucket. */
export interface ServiceBuckets {
  counts: number[];
  total: number;
}

/** createBuckets makes an empty distribution. */
export function createBuckets(): ServiceBuckets {
  return { counts: new Array<number>(BUCKET_COUNT).fill(0), total: 0 };
}

/** bucketOf is the bucket a value (µs, clamped to at least 1 and at most 10 min) falls in. */
export function bucketOf(us: number): number {
  if (!(us > 1)) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.round(Math.log10(us) * BUCKETS_PER_DECADE));
}

/** recordBucket records one value (µs). */
export function recordBucket(b: ServiceBuckets, us: number): void {
  const i = bucketOf(us);
  b.counts[i] = (b.counts[i] ?? 0) + 1;
  b.total += 1;
}

/** addCompact adds a compact distribution into `b` (malformed input is skipped, not trusted). */
export function addCompact(b: ServiceBuckets, c: Readonly<Compact>): void {
  const first = c[0];
  if (first === undefined || !Number.isInteger(first) || first < 0) return;
  for (let k = 1; k < c.length; k += 1) {
    const i = first + k - 1;
    const n = c[k] ?? 0;
    if (i >= BUCKET_COUNT || !(n > 0)) continue;
    b.counts[i] = (b.counts[i] ?? 0) + n;
    b.total += n;
  }
}

/** toCompact writes a distribution in the stored form. */
export function toCompact(b: ServiceBuckets): Compact {
  if (b.total === 0) return [];
  let lo = 0;
  while (b.counts[lo] === 0) lo += 1;
  let hi = b.counts.length - 1;
  while (b.counts[hi] === 0) hi -= 1;
  return [lo, ...b.counts.slice(lo, hi + 1)];
}

/** compactTotal is how many values a compact distribution holds. */
export function compactTotal(c: Readonly<Compact>): number {
  let n = 0;
  for (let k = 1; k < c.length; k += 1) n += c[k] ?? 0;
  return n;
}

/** mergeCompact adds compact distributions into one compact distribution. */
export function mergeCompact(parts: ReadonlyArray<Readonly<Compact>>): Compact {
  if (parts.length === 1) return [...(parts[0] ?? [])];
  const b = createBuckets();
  for (const c of parts) addCompact(b, c);
  return toCompact(b);
}

/**
 * quantileMs reads quantile `q` (0..1) of a distribution in ms: the centre of
 * the bucket holding the value of rank ceil(q · total); 0 when empty.
 */
export function quantileMs(b: ServiceBuckets, q: number): number {
  if (b.total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * b.total));
  let seen = 0;
  for (let i = 0; i < b.counts.length; i += 1) {
    seen += b.counts[i] ?? 0;
    if (seen >= rank) return 10 ** (i / BUCKETS_PER_DECADE) / 1000;
  }
  return 0;
}
