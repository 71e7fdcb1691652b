import { SATURATED_ELU } from '../../analysis/index.js';
import { LAG_BOUND_MS } from '../../results/generator-load.js';
import type { LiveSnapshot } from '../../results/live.js';

/** GeneratorNow is the traffic's own sources over the last second: how late they send, how busy each is. */
export interface GeneratorNow {
  /** lagP99Us is the worst source's p99 scheduling lag over the last second. */
  lagP99Us: number;
  /** behind: the lag is past the bound, or a source's event loop is saturated. */
  behind: boolean;
  sources: Array<{ label: string; loopPercent: number; cpuPercent: number; lagP99Us: number }>;
}

/** SATURATED_PERCENT is the loop use the verdict calls saturated, as a percentage. */
export const SATURATED_PERCENT = Math.round(SATURATED_ELU * 100);

/** generatorNow reads the snapshot's per-source load; null before any source reported it. */
export function generatorNow(s: LiveSnapshot): GeneratorNow | null {
  const g = s.generator;
  if (g === undefined || g.sources.length === 0) return null;
  const prefix = g.sourceKind === 'runner' ? 'r' : 'w';
  const sources = g.sources.map((x) => ({
    label: `${prefix}${x.index}`,
    loopPercent: Math.round(x.eventLoopUtilization * 100),
    cpuPercent: Math.round(x.cpuPercent),
    lagP99Us: x.lagP99Us,
  }));
  const lagP99Us = Math.max(0, ...sources.map((x) => x.lagP99Us));
  const behind = lagP99Us > LAG_BOUND_MS * 1000 || sources.some((x) => x.loopPercent >= SATURATED_PERCENT);
  return { lagP99Us, behind, sources };
}
