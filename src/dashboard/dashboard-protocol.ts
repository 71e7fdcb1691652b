import type { LiveSnapshot } from '../results/live.js';
import type { IntervalSample, Thresholds } from '../results/types.js';
import type { DashboardFinal } from './final-info.js';

/** DashboardInit is what the drawing thread starts with. */
export interface DashboardInit {
  title: string;
  tickMs: number;
  color: boolean;
  thresholds?: Thresholds;
  columns: number;
  rows: number;
  isTTY: boolean;
  snapshot: LiveSnapshot;
  nowMs: number;
}

/** CLEAR_SCREEN erases the screen and puts the cursor at the top left. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[H';

/** ToDrawer is what the main thread tells the drawing thread. */
export type ToDrawer =
  | { type: 'snapshot'; snapshot: LiveSnapshot; nowMs: number }
  | { type: 'now'; nowMs: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'quitting' }
  | { type: 'stop'; final?: DashboardFinal };

/** FromDrawer is what the drawing thread tells the main thread. */
export type FromDrawer =
  { type: 'write'; chunk: string } | { type: 'stopped' } | { type: 'failed'; message: string };

// The traffic panel reads histograms of the last second only (model/traffic-now.ts).
const HISTOGRAMS_KEPT = 10;

/**
 * slimSnapshot keeps what the screen reads, so the copy to the drawer stays
 * small: the last second in full (rates, latency), and of the older intervals
 * only those with failures, without histograms (the failure sparklines).
 */
export function slimSnapshot(s: LiveSnapshot): LiveSnapshot {
  const keepFrom = s.recent.length - HISTOGRAMS_KEPT;
  const recent: IntervalSample[] = [];
  s.recent.forEach((full, n) => {
    // The screen draws no per-pod latency.
    const { okServiceBucketsByPod: _buckets, ...i } = full;
    if (n >= keepFrom) recent.push({ ...i, lagHistogram: '', okByPod: {} });
    else if (hasFailures(i)) recent.push({ ...i, histogram: '', lagHistogram: '', okByPod: {} });
  });
  return { ...s, recent };
}

function hasFailures(i: IntervalSample): boolean {
  for (const counts of [i.done.new, i.done.reused]) {
    for (const [kind, n] of Object.entries(counts)) if (kind !== 'ok' && (n ?? 0) > 0) return true;
  }
  return false;
}

/** slimFinal keeps what the final frame shows: meta, totals, windows, findings and verdict. */
export function slimFinal(final: DashboardFinal): DashboardFinal {
  const r = final.results;
  return {
    ...final,
    results: {
      ...r,
      intervals: [],
      failures: [],
      events: [],
      analysis: r.analysis ? { ...r.analysis, attributions: [] } : null,
    },
  };
}
