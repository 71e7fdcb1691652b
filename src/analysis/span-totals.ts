// Totals and the longest outage within a span of a run: what a step's own
// verdict is judged on (scenario steps, a progressive rollout's steps).
import { EMPTY_SUMMARY, mergeEncoded, summarize } from '../results/histogram.js';
import type { OutageWindow, Results, Totals } from '../results/types.js';
import { failureAtMs } from './windows.js';

/** spanTotals counts failures and ok answers that ended in [startMs, endMs), with their latency. */
export function spanTotals(results: Results, startMs: number, endMs: number): Totals {
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
export function longestWithin(windows: readonly OutageWindow[], startMs: number, endMs: number): number {
  let longest = 0;
  for (const w of windows) {
    const clipped = Math.min(w.endMs, endMs) - Math.max(w.startMs, startMs);
    if (clipped > longest) longest = clipped;
  }
  return longest;
}
