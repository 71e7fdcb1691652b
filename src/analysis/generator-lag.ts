import { LAG_BOUND_MS } from '../results/generator-load.js';
import type { GeneratorSource, Results } from '../results/types.js';
import { formatAt, formatDuration } from './format.js';

/** SATURATED_ELU is the event-loop use past which a source cannot keep a schedule: it is never idle, so timers and responses wait. */
export const SATURATED_ELU = 0.95;

/** BEHIND_SHARE is the share of the recorded span the generator may spend behind by more than LAG_BOUND_MS before the run is not judged. */
export const BEHIND_SHARE = 0.1;

/**
 * MIN_BEHIND_MS is the least time behind that makes a run unjudged, however
 * short the run: a Node process on a shared machine loses up to a few hundred
 * ms now and then (GC, JIT, the scheduler: up to 300 ms measured on these
 * 2-core machines under load), which only moves --max-p99 onto service time.
 */
export const MIN_BEHIND_MS = 4 * LAG_BOUND_MS;

// Headroom kept when sizing workers or runners: a loop at 80 % still has time for its timers.
const HEADROOM = 0.8;

/** LagFacts are the figures the lag judgement reads from a run. */
export interface LagFacts {
  lagP99Ms: number;
  /** behindMs is how much of the recorded span lay in spans where requests went out over LAG_BOUND_MS late. */
  behindMs: number;
  spans: Array<{ startMs: number; endMs: number }>;
  recordedMs: number;
  /** worst is the source with the highest event-loop use, when sources reported their load. */
  worst?: GeneratorSource;
}

/**
 * behindSpans finds where the generator was over LAG_BOUND_MS behind: an
 * interval whose p99 lag is L sent requests intended up to L before it, so the
 * span reaches back from the interval's end by L. Clipped to [fromMs, toMs).
 */
export function behindSpans(results: Results, fromMs: number, toMs: number): Array<{ startMs: number; endMs: number }> {
  const width = results.meta.intervalMs || 100;
  const raw: Array<{ startMs: number; endMs: number }> = [];
  for (const s of results.intervals) {
    const lagMs = (s.lagP99Us ?? 0) / 1000;
    if (lagMs <= LAG_BOUND_MS) continue;
    const startMs = Math.max(fromMs, s.atMs + width - lagMs);
    const endMs = Math.min(toMs, s.atMs + width);
    if (endMs > startMs) raw.push({ startMs, endMs });
  }
  // A later interval's span may reach back past earlier ones: merge in order of start.
  const spans: Array<{ startMs: number; endMs: number }> = [];
  for (const { startMs, endMs } of raw.sort((a, b) => a.startMs - b.startMs)) {
    const last = spans[spans.length - 1];
    if (last !== undefined && startMs <= last.endMs) {
      last.startMs = Math.min(last.startMs, startMs);
      last.endMs = Math.max(last.endMs, endMs);
    } else {
      spans.push({ startMs, endMs });
    }
  }
  return spans;
}

/** lagFacts reads the generator's lag, spans behind and busiest source from a run. */
export function lagFacts(results: Results): LagFacts {
  const fromMs = results.meta.recordedFromMs ?? results.meta.warmupMs;
  const toMs = results.meta.recordedToMs ?? results.meta.durationMs;
  const spans = behindSpans(results, fromMs, toMs);
  const sources = results.totals.generator?.sources ?? [];
  const worst = [...sources].sort((a, b) => b.eventLoopUtilization - a.eventLoopUtilization || b.lagP99Us - a.lagP99Us)[0];
  return {
    lagP99Ms: results.totals.lag.p99Us / 1000,
    behindMs: spans.reduce((n, s) => n + s.endMs - s.startMs, 0),
    spans,
    recordedMs: Math.max(1, toMs - fromMs),
    ...(worst !== undefined ? { worst } : {}),
  };
}

/** lagIsHigh says the generator's lag p99 passed LAG_BOUND_MS: latency from the intended send then holds its delay, so --max-p99 is judged on service time. */
export function lagIsHigh(results: Results): boolean {
  return results.totals.lag.p99Us / 1000 > LAG_BOUND_MS;
}

/**
 * generatorBehind is one line when the generator could not keep its schedule
 * (over LAG_BOUND_MS late for BEHIND_SHARE of the recorded span and at least MIN_BEHIND_MS, or a
 * source's event loop saturated over the span), with the figures and the fix;
 * null when it kept it. Such a run did not measure the target for that long.
 * A short spike (a JIT warm-up, a GC pause) only makes the lag high.
 */
export function generatorBehind(results: Results): string | null {
  const f = lagFacts(results);
  const saturated = f.worst !== undefined && f.worst.eventLoopUtilization >= SATURATED_ELU;
  if (f.behindMs < Math.max(BEHIND_SHARE * f.recordedMs, MIN_BEHIND_MS) && !saturated) return null;
  const t = results.totals;
  const figures = [
    `sent ${rate(t.achievedRatePerSec)}/s of the ${rate(t.targetRatePerSec)}/s asked (by actual send time)`,
    `scheduling lag p99 ${formatDuration(f.lagP99Ms)}`,
    `over ${LAG_BOUND_MS} ms behind for ${formatDuration(f.behindMs)} of the ${formatDuration(f.recordedMs)} recorded (${Math.round((f.behindMs / f.recordedMs) * 100)}%)`,
    ...sourceFigures(results),
  ];
  return `the generator fell behind its schedule: ${figures.join('; ')}. ${fixFor(results, f, saturated)}`;
}

// Each source's loop use and worst lag ("worker 0 loop 100% CPU 99% lag p99 3.1 s"), up to four, busiest first.
function sourceFigures(results: Results): string[] {
  const g = results.totals.generator;
  if (g === undefined || g.sources.length === 0) return [];
  const list = [...g.sources].sort((a, b) => b.eventLoopUtilization - a.eventLoopUtilization).slice(0, 4);
  const text = list.map(
    (s) => `${g.sourceKind} ${s.index} event loop ${pct(s.eventLoopUtilization)} busy, CPU ${Math.round(s.cpuPercent)}%, lag p99 ${formatDuration(s.lagP99Us / 1000)}`,
  );
  const more = g.sources.length - list.length;
  return [text.join(', ') + (more > 0 ? ` (and ${more} more)` : '')];
}

// The fix follows what held the schedule back: the CPU, a blocked loop, or too few connections.
function fixFor(results: Results, f: LagFacts, saturated: boolean): string {
  const g = results.totals.generator;
  const t = results.totals;
  const connections = Number(results.meta.params.connections);
  if (g === undefined || f.worst === undefined) {
    return 'Fix: more --workers (or --runners), or a lower --rate; latency from the intended send time includes this delay';
  }
  if (saturated || f.worst.eventLoopUtilization >= HEADROOM) {
    const n = g.sources.length;
    const perSource = t.achievedRatePerSec / Math.max(1, n);
    const needed = perSource > 0 ? Math.ceil(t.targetRatePerSec / (perSource * HEADROOM)) : n + 1;
    const fewer = Number.isFinite(connections) && connections >= 200 ? `, or fewer --connections (${connections} cost the client CPU)` : '';
    const carries = `one ${g.sourceKind} carries about ${rate(perSource)}/s here`;
    if (g.sourceKind === 'runner') {
      return `The client's CPU was the bottleneck, not the target. Fix: --runners ${needed} (${carries}), or a lower --rate${fewer}`;
    }
    if (needed <= g.cores) return `The client's CPU was the bottleneck, not the target. Fix: --workers ${needed} (${carries}; this machine has ${g.cores} cores), or a lower --rate${fewer}`;
    return `The client's CPU was the bottleneck, not the target. Fix: a lower --rate (${g.cores} cores carry about ${rate(perSource * g.cores * HEADROOM)}/s with --workers ${g.cores}), or --runners ${needed} on machines of their own${fewer}`;
  }
  // A loop busy far more of the time than it ran on a CPU was waiting for one: the machine is overloaded.
  const starved = [...g.sources].filter((s) => s.eventLoopUtilization >= 0.2 && s.cpuPercent < s.eventLoopUtilization * 50).sort((a, b) => a.cpuPercent - b.cpuPercent)[0];
  if (starved !== undefined) {
    return `${g.sourceKind} ${starved.index}'s event loop was busy ${pct(starved.eventLoopUtilization)} of the time but ran on a CPU only ${Math.round(starved.cpuPercent)}%: other processes on this machine took the cores. Fix: run where rollcheck has cores of its own (no more ${g.sourceKind}s than free cores), or a lower --rate`;
  }
  const stalled = [...g.sources].sort((a, b) => b.stallMs - a.stallMs)[0];
  // A block explains the lag when it is most of the time behind and no request waited out --timeout for a connection.
  if (stalled !== undefined && stalled.stallMs > LAG_BOUND_MS && stalled.stallMs >= f.behindMs / 2 && !(t.queueExpired ?? 0)) {
    return `${g.sourceKind} ${stalled.index}'s event loop was blocked for ${formatDuration(stalled.stallMs)} from ${formatAt(stalled.stallAtMs)} (something in the process ran without yielding, or the machine took its core away). Fix: give rollcheck a core of its own and run again`;
  }
  const conns = Number.isFinite(connections) ? ` (all ${connections} busy)` : '';
  return `Requests waited for a free connection${conns}, not for the CPU. Fix: more --connections, or a lower --rate`;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function rate(perSec: number): string {
  return Math.round(perSec).toLocaleString('en-US');
}
