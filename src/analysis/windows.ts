import type { FailureRecord, IntervalSample, KindCounts, OutageWindow, Results } from '../results/types.js';
import { INTERVAL_MS } from '../results/types.js';

/**
 * failureAtMs is the moment a failure stands for on the run clock. For most
 * kinds that is when it was observed (`endAtMs`): a reset happens when the
 * process dies, a refusal when the connect fails. A timeout is observed long
 * after the fact, so it stands for the moment it was due (`intendedAtMs`),
 * when the request went into the black hole.
 */
export function failureAtMs(f: FailureRecord): number {
  return f.kind === 'timeout' ? f.intendedAtMs : f.endAtMs;
}

/** WindowOptions tune outage detection; the defaults come from the results. */
export interface WindowOptions {
  /** ratePerSec is the total request rate (both populations); it sets the time one request stands for. */
  ratePerSec: number;
  intervalMs?: number;
  /**
   * lagMs is the sender's own scheduling lag (p99 of actual − intended send
   * time). A busy sender sends in bursts, so failures arrive in clumps with
   * gaps in which nothing at all was sent; such a gap is no evidence of
   * recovery and must not split an outage.
   */
  lagMs?: number;
}

/** runWindowOptions is how a run's own outage windows are found: its rate, interval and sending lag. */
export function runWindowOptions(results: Pick<Results, 'totals' | 'meta'>): WindowOptions {
  const ratePerSec = results.totals.targetRatePerSec || results.totals.achievedRatePerSec;
  return { ratePerSec, intervalMs: results.meta.intervalMs || undefined, lagMs: results.totals.lag.p99Us / 1000 };
}

/**
 * findOutageWindows finds the spans where failures dominate the traffic.
 *
 * Definition (the one the report and the verdict use):
 * 1. Failures are placed at `failureAtMs` and cut into *runs*: consecutive
 *    failures belong to one run when they are at most max(2.5 request
 *    spacings, 1.5 × the sender's p99 scheduling lag) apart (one spacing =
 *    1000 / rate ms; during a full outage every request fails, so failures
 *    follow each other one spacing apart, or in clumps when the sender lags),
 *    or when the 100 ms interval counts say that no ok response (< 1,
 *    estimated pro rata) completed between them.
 * 2. A run spans [first failure, last failure + one spacing]: each failure
 *    stands for the slot until the next request was due. A server stopped for
 *    L ms is so measured as L ± one spacing (plus scheduling jitter): the edges
 *    come from the failure timestamps, not from the 100 ms interval grid.
 * 3. A run is an outage window when it holds at least 2 failures and more
 *    failures than ok responses completed inside its span. Ok responses are
 *    only counted per 100 ms interval, so the ones inside a span are estimated
 *    pro rata of its overlap with each interval (uniform within an interval).
 * So a burst of resets (the in-flight requests of a killed pod) is a short
 * window; 20 % of requests failing for a minute is no window at all (it is
 * still counted by the verdict's error limits).
 */
export function findOutageWindows(
  failures: readonly FailureRecord[],
  intervals: readonly IntervalSample[],
  options: WindowOptions,
): OutageWindow[] {
  if (failures.length < 2) return [];
  const intervalMs = options.intervalMs ?? INTERVAL_MS;
  const spacingMs = options.ratePerSec > 0 ? 1000 / options.ratePerSec : intervalMs;
  const joinGapMs = Math.max(2.5 * spacingMs, 1.5 * (options.lagMs ?? 0));
  const sorted = failures.map((f) => ({ f, atMs: failureAtMs(f) })).sort((a, b) => a.atMs - b.atMs);
  const okIn = okByInterval(intervals, intervalMs);
  const windows: OutageWindow[] = [];
  let first = 0;
  for (let i = 1; i <= sorted.length; i += 1) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur && prev && (cur.atMs - prev.atMs <= joinGapMs || okWithin(okIn, prev.atMs, cur.atMs, intervalMs) < 1)) continue;
    if (i - first < 2) {
      first = i;
      continue;
    }
    const run = sorted.slice(first, i);
    first = i;
    const startMs = run[0]?.atMs ?? 0;
    const endMs = (run[run.length - 1]?.atMs ?? 0) + spacingMs;
    if (run.length > okWithin(okIn, startMs, endMs, intervalMs)) {
      windows.push(toWindow(run.map((r) => r.f), startMs, endMs));
    }
  }
  return windows;
}

function okByInterval(intervals: readonly IntervalSample[], intervalMs: number): Map<number, number> {
  const ok = new Map<number, number>();
  for (const s of intervals) {
    const k = Math.floor(s.atMs / intervalMs);
    ok.set(k, (ok.get(k) ?? 0) + (s.done.new.ok ?? 0) + (s.done.reused.ok ?? 0));
  }
  return ok;
}

function okWithin(okIn: ReadonlyMap<number, number>, startMs: number, endMs: number, intervalMs: number): number {
  let total = 0;
  for (let k = Math.floor(startMs / intervalMs); k * intervalMs < endMs; k += 1) {
    const overlap = Math.min(endMs, (k + 1) * intervalMs) - Math.max(startMs, k * intervalMs);
    if (overlap > 0) total += ((okIn.get(k) ?? 0) * overlap) / intervalMs;
  }
  return total;
}

function toWindow(failures: readonly FailureRecord[], startMs: number, endMs: number): OutageWindow {
  const byKind: KindCounts = {};
  for (const f of failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  return {
    startMs: round3(startMs),
    endMs: round3(endMs),
    durationMs: round3(endMs - startMs),
    failures: failures.length,
    byKind,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
