import type { TrafficBatch } from './partial.js';
import { INTERVAL_MS, type GeneratorLoad, type GeneratorSource } from './types.js';

/**
 * LAG_BOUND_MS is how late a request may go out before the generator counts as
 * behind its schedule: one interval. A request sent later than that lands in a
 * later interval than the one it was meant for, so the timeline (rates, outage
 * windows) loses its own resolution, and its latency carries a delay the
 * generator made (Node's 1 ms timers add 3-7 ms at p99; a JIT warm-up spike
 * reaches 100-300 ms, which is why the warm-up is not counted).
 */
export const LAG_BOUND_MS = 100;

/** GeneratorLive is one source's load over its last second, for the dashboard. */
export interface GeneratorLive {
  index: number;
  eventLoopUtilization: number;
  cpuPercent: number;
  /** lagP99Us is the worst p99 scheduling lag of its last second's intervals. */
  lagP99Us: number;
}

/** GeneratorTracker follows each worker's or runner's own load and lag as its batches arrive. */
export interface GeneratorTracker {
  add(batch: TrafficBatch): void;
  /** live is each source's last second. */
  live(): GeneratorLive[];
  /** summary is each source's figures over [fromMs, endMs); undefined when no source reported its load. */
  summary(fromMs: number, endMs: number): GeneratorLoad | undefined;
}

interface LoadRec {
  endMs: number;
  windowMs: number;
  busyMs: number;
  cpuMs: number;
}

interface SourceState {
  loads: LoadRec[];
  /** lags: [interval index, p99 µs, started] of each partial that carried a lag. */
  lags: Array<[number, number, number]>;
}

const LIVE_MS = 1000;

/** createGeneratorTracker starts tracking; `kind` and `cores` describe the sources. */
export function createGeneratorTracker(kind: GeneratorLoad['sourceKind'], cores: number): GeneratorTracker {
  const sources = new Map<number, SourceState>();
  const state = (i: number): SourceState => {
    let s = sources.get(i);
    if (s === undefined) sources.set(i, (s = { loads: [], lags: [] }));
    return s;
  };
  return {
    add(batch) {
      const s = state(batch.source);
      for (const p of batch.partials) {
        if (p.lagP99Us !== undefined || p.started !== undefined) s.lags.push([p.index, p.lagP99Us ?? 0, p.started ?? 0]);
      }
      const l = batch.load;
      // The last batch (everything closed) covers the drain after the schedule: not the sending's load.
      if (l === undefined || batch.closedBefore === Number.MAX_SAFE_INTEGER || l.windowMs <= 0) return;
      s.loads.push({
        endMs: batch.closedBefore * INTERVAL_MS,
        windowMs: l.windowMs,
        busyMs: l.eventLoopUtilization * l.windowMs,
        cpuMs: (l.cpuPercent / 100) * l.windowMs,
      });
    },
    live() {
      const out: GeneratorLive[] = [];
      for (const [index, s] of [...sources].sort((a, b) => a[0] - b[0])) {
        const lastMs = s.loads[s.loads.length - 1]?.endMs ?? 0;
        const load = sumLoads(s.loads, lastMs - LIVE_MS, lastMs);
        out.push({ index, ...load, lagP99Us: recentLag(s.lags) });
      }
      return out;
    },
    summary(fromMs, endMs) {
      if (![...sources.values()].some((s) => s.loads.length > 0)) return undefined;
      const first = Math.ceil(fromMs / INTERVAL_MS);
      const end = Math.ceil(endMs / INTERVAL_MS);
      const list: GeneratorSource[] = [];
      for (const [index, s] of [...sources].sort((a, b) => a[0] - b[0])) {
        const inSpan = s.lags.filter(([i]) => i >= first && i < end);
        list.push({
          index,
          ...sumLoads(s.loads, fromMs, endMs + INTERVAL_MS),
          // A source that fell behind sends its backlog after the span: that lag is its own too.
          lagP99Us: s.lags.reduce((m, [i, us]) => (i >= first ? Math.max(m, us) : m), 0),
          behindMs: behindWithin(s.lags, fromMs, endMs),
          started: inSpan.reduce((n, [, , started]) => n + started, 0),
          ...longestStall(s.loads, fromMs, endMs + INTERVAL_MS),
        });
      }
      return { sourceKind: kind, cores, sources: list };
    },
  };
}

// How much of [fromMs, endMs) the source was over the bound behind: an interval whose p99 lag is L sent
// requests meant up to L before its end (its backlog after the span included), as analysis/generator-lag.ts reads it.
function behindWithin(lags: ReadonlyArray<[number, number, number]>, fromMs: number, endMs: number): number {
  const spans = lags
    .filter(([, us]) => us > LAG_BOUND_MS * 1000)
    .map(([i, us]) => [Math.max(fromMs, (i + 1) * INTERVAL_MS - us / 1000), Math.min(endMs, (i + 1) * INTERVAL_MS)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [a, b] of spans) {
    const from = Math.max(a, reach);
    if (b > from) total += b - from;
    reach = Math.max(reach, b);
  }
  return Math.round(total);
}

// The worst p99 lag of the intervals in the last second a source reported (walked from the end).
function recentLag(lags: ReadonlyArray<[number, number, number]>): number {
  const lastIndex = lags[lags.length - 1]?.[0] ?? 0;
  let worst = 0;
  for (let k = lags.length - 1; k >= 0; k -= 1) {
    const [i, us] = lags[k] as [number, number, number];
    if (i <= lastIndex - LIVE_MS / INTERVAL_MS) break;
    worst = Math.max(worst, us);
  }
  return worst;
}

// The longest gap between two batches past their period: the loop ran that long without letting the flush timer fire.
function longestStall(loads: readonly LoadRec[], fromMs: number, toMs: number): { stallMs: number; stallAtMs: number } {
  let stallMs = 0;
  let stallAtMs = 0;
  for (const l of loads) {
    if (l.endMs <= fromMs || l.endMs > toMs || l.windowMs - INTERVAL_MS <= stallMs) continue;
    stallMs = Math.round(l.windowMs - INTERVAL_MS);
    // endMs is the start of the interval the late flush fell in (up to one interval early), and the block
    // began up to one interval after the flush before it: one interval back from the real end splits the two.
    stallAtMs = Math.round(l.endMs + INTERVAL_MS - l.windowMs);
  }
  return { stallMs, stallAtMs };
}

// Loads whose window ends in (fromMs, toMs]: their busy and CPU shares, weighted by window.
function sumLoads(loads: readonly LoadRec[], fromMs: number, toMs: number): { eventLoopUtilization: number; cpuPercent: number } {
  let windowMs = 0;
  let busyMs = 0;
  let cpuMs = 0;
  for (const l of loads) {
    if (l.endMs <= fromMs || l.endMs > toMs) continue;
    windowMs += l.windowMs;
    busyMs += l.busyMs;
    cpuMs += l.cpuMs;
  }
  if (windowMs === 0) return { eventLoopUtilization: 0, cpuPercent: 0 };
  return {
    eventLoopUtilization: Math.round((busyMs / windowMs) * 1000) / 1000,
    cpuPercent: Math.round((cpuMs / windowMs) * 1000) / 10,
  };
}
