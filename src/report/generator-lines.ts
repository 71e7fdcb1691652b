import { formatDuration } from '../analysis/format.js';
import type { Results } from '../results/types.js';

/**
 * rateText is the summary's rate line: the rate by actual send times beside
 * the intended one, so a generator that fell behind cannot print its target
 * as its achievement.
 */
export function rateText(results: Results): string {
  const t = results.totals;
  const short = t.targetRatePerSec > 0 && t.achievedRatePerSec < t.targetRatePerSec * 0.95 ? ' (short of the target)' : '';
  return `${num(t.achievedRatePerSec)}/s achieved of ${num(t.targetRatePerSec)}/s target, by actual send time${short}`;
}

/**
 * generatorText is the summary's generator line: the scheduling lag and each
 * worker's or runner's own event-loop use and CPU (the busiest four), and
 * whether it fell behind its schedule (the verdict says how and the fix).
 */
export function generatorText(results: Results): string {
  const t = results.totals;
  const parts = [`scheduling lag p50 ${formatDuration(t.lag.p50Us / 1000)} p99 ${formatDuration(t.lag.p99Us / 1000)}`];
  const g = t.generator;
  if (g !== undefined) {
    const busiest = [...g.sources].sort((a, b) => b.eventLoopUtilization - a.eventLoopUtilization).slice(0, 4);
    for (const s of busiest) {
      parts.push(`${g.sourceKind} ${s.index} loop ${Math.round(s.eventLoopUtilization * 100)}% busy, CPU ${Math.round(s.cpuPercent)}%`);
    }
    if (g.sources.length > busiest.length) parts.push(`${g.sources.length - busiest.length} more ${g.sourceKind}s`);
  }
  const behind = results.analysis?.verdict.generatorBehind;
  parts.push(behind !== undefined ? 'FELL BEHIND its schedule (see the verdict)' : 'kept its schedule');
  return parts.join(' · ');
}

/** latencyBasisText says, when --max-p99 was judged on service time, why, with that figure. */
export function latencyBasisText(results: Results): string | null {
  const service = results.totals.service;
  if (results.analysis?.verdict.latencyBasis !== 'service' || service === undefined) return null;
  return `--max-p99 judged on service time (end − actual send), p99 ${formatDuration(service.p99Us / 1000)}: the latency above includes the generator's own scheduling lag`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
