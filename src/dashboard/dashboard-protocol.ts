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

/** slimSnapshot drops what the screen never reads (older histograms, lag histograms), so the copy to the drawer is small. */
export function slimSnapshot(s: LiveSnapshot): LiveSnapshot {
  const keepFrom = s.recent.length - HISTOGRAMS_KEPT;
  const recent = s.recent.map((i, n): IntervalSample => ({
    ...i,
    histogram: n >= keepFrom ? i.histogram : '',
    lagHistogram: '',
    okByPod: {},
  }));
  return { ...s, recent };
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
