import type { LiveSnapshot, LiveView } from '../results/live.js';
import { mergeEncoded } from '../results/histogram.js';
import { SATURATED_ELU } from '../analysis/index.js';
import { LAG_BOUND_MS } from '../results/generator-load.js';
import {
  FAILURE_KINDS,
  INTERVAL_MS,
  type IntervalSample,
  type KindCounts,
} from '../results/types.js';
import type { Writable } from 'node:stream';

/** ProgressOptions configure the one-line-per-second printer. */
export interface ProgressOptions {
  live: LiveView;
  out: Writable;
  /** everyMs is the line period (default 1000). */
  everyMs?: number;
}

/** ProgressPrinter prints until stopped. */
export interface ProgressPrinter {
  stop(): void;
}

/** createProgressPrinter prints one progress line per second (used when there is no dashboard). */
export function createProgressPrinter(options: ProgressOptions): ProgressPrinter {
  const everyMs = options.everyMs ?? 1000;
  const live = options.live;
  const timer = setInterval(() => {
    const line = formatProgressLine(live.snapshot(), everyMs, live.latencyOf?.bind(live));
    if (line !== null) options.out.write(line + '\n');
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * formatProgressLine describes the last `windowMs` of a snapshot in one line (null before any traffic);
 * `latencyOf` (the live view's) gives the window's latency without decoding a histogram.
 */
export function formatProgressLine(
  s: LiveSnapshot,
  windowMs = 1000,
  latencyOf?: LiveView['latencyOf'],
): string | null {
  const elapsed = `${(s.nowMs / 1000).toFixed(1)}s`;
  if (s.phase === 'warmup' || s.recent.length === 0) {
    return `${elapsed.padStart(7)}  ${s.phase.padEnd(8)}  warming up (not counted)`;
  }
  const last = s.recent[s.recent.length - 1] as IntervalSample;
  const window = s.recent.filter((i) => i.atMs > last.atMs - windowMs);
  let started = 0;
  let lagP99Us = 0;
  let ok = 0;
  const failed: KindCounts = {};
  for (const i of window) {
    // The rate is by actual send time where the engine counts it (older runners do not).
    started += i.started ?? i.sent;
    lagP99Us = Math.max(lagP99Us, i.lagP99Us ?? 0);
    for (const use of ['new', 'reused'] as const) {
      ok += i.done[use].ok ?? 0;
      for (const k of FAILURE_KINDS) {
        const n = i.done[use][k];
        if (n) failed[k] = (failed[k] ?? 0) + n;
      }
    }
  }
  const seconds = (window.length * INTERVAL_MS) / 1000;
  const rate = seconds > 0 ? started / seconds : 0;
  const failedTotal = Object.values(failed).reduce((a, b) => a + (b ?? 0), 0);
  const byKind = Object.entries(failed)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const first = window[0] as IntervalSample;
  const hist = latencyOf
    ? latencyOf(first.atMs, last.atMs)
    : mergeEncoded(window.map((i) => i.histogram));
  const p99 = hist.totalCount > 0 ? `${(hist.getValueAtPercentile(99) / 1000).toFixed(1)}ms` : '-';
  return [
    elapsed.padStart(7),
    s.phase.padEnd(8),
    `rate ${rate.toFixed(0)}/${s.targetRatePerSec}/s`,
    `ok ${ok}`,
    `failed ${failedTotal}${byKind ? ` (${byKind})` : ''}`,
    `in-flight ${last.inFlight}`,
    `p99 ${p99}`,
    lagPart(lagP99Us, s, rate),
    ...runnersPart(s),
  ].join('  ');
}

// The generator's own lag (worst worker or runner), and BEHIND past the bound, with a saturated loop, or
// sending under 90 % of the rate (requests waiting for a connection have no lag until they go out).
function lagPart(lagP99Us: number, s: LiveSnapshot, ratePerSec: number): string {
  const saturated = (s.generator?.sources ?? []).filter((x) => x.eventLoopUtilization >= SATURATED_ELU);
  const short = s.generator !== undefined && ratePerSec < s.targetRatePerSec * 0.9;
  const behind = lagP99Us > LAG_BOUND_MS * 1000 || saturated.length > 0 || short;
  const busy = saturated.map((x) => `${s.generator?.sourceKind ?? 'worker'} ${x.index} loop ${Math.round(x.eventLoopUtilization * 100)}%`);
  return `lag p99 ${(lagP99Us / 1000).toFixed(1)}ms${behind ? ` BEHIND${busy.length > 0 ? ` (${busy.join(', ')})` : ''}` : ''}`;
}

// With --runners: how many still send, and which are lost.
function runnersPart(s: LiveSnapshot): string[] {
  if (!s.runners || s.runners.length === 0) return [];
  const lost = s.runners.filter((r) => r.lost).map((r) => r.index);
  return [`runners ${s.runners.length - lost.length}/${s.runners.length}${lost.length > 0 ? ` (lost: ${lost.join(', ')})` : ''}`];
}
