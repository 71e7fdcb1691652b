import {
  FAILURE_KINDS,
  OUTCOME_MEANING,
  type IntervalSample,
  type LatencySummary,
  type Results,
} from '../results/types.js';

/**
 * formatQuickSummary is the session's own short summary, printed until the
 * report module's formatSummary is wired in: rate, outcomes by kind, latency,
 * and a per-second timeline of failures.
 */
export function formatQuickSummary(r: Results): string {
  const t = r.totals;
  const lines: string[] = [];
  const recordedS = Math.max(
    0,
    (r.meta.durationMs - (r.meta.recordedFromMs ?? r.meta.warmupMs)) / 1000,
  );
  lines.push(
    `rollcheck ${r.meta.command} ${r.meta.target}  (${recordedS.toFixed(1)} s recorded after ${r.meta.warmupMs / 1000} s warm-up, ${r.meta.stopReason})`,
  );
  lines.push(
    `rate      ${t.achievedRatePerSec}/s achieved of ${t.targetRatePerSec}/s target; sent ${t.sent}, dropped ${t.dropped}, in flight at stop ${t.inFlightAtStop}`,
  );
  const pct = t.sent > 0 ? ((100 * t.failed) / t.sent).toFixed(2) : '0.00';
  lines.push(
    `outcomes  ok ${t.ok}, failed ${t.failed} (${pct} %)  [new connections: ${t.byConn.new.failed} failed of ${t.byConn.new.completed}; reused: ${t.byConn.reused.failed} of ${t.byConn.reused.completed}]`,
  );
  for (const k of FAILURE_KINDS) {
    const n = t.byKind[k];
    if (n) lines.push(`  ${k.padEnd(22)} ${String(n).padStart(7)}  ${OUTCOME_MEANING[k]}`);
  }
  lines.push(`latency   ${fmtLatency(t.latency)}  (from the intended send time)`);
  lines.push(`lag       p99 ${ms(t.lag.p99Us)}, max ${ms(t.lag.maxUs)} (scheduling lag)`);
  const timeline = failureTimeline(r.intervals);
  if (timeline.length > 0) {
    lines.push('failures per second:');
    lines.push(...timeline);
  }
  for (const w of r.meta.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function fmtLatency(l: LatencySummary): string {
  return `p50 ${ms(l.p50Us)}  p90 ${ms(l.p90Us)}  p99 ${ms(l.p99Us)}  max ${ms(l.maxUs)}`;
}

function ms(us: number): string {
  return us >= 10_000 ? `${(us / 1000).toFixed(0)}ms` : `${(us / 1000).toFixed(2)}ms`;
}

function failureTimeline(intervals: IntervalSample[]): string[] {
  const perSecond = new Map<number, Map<string, number>>();
  for (const i of intervals) {
    const second = Math.floor(i.atMs / 1000);
    for (const use of ['new', 'reused'] as const) {
      for (const k of FAILURE_KINDS) {
        const n = i.done[use][k];
        if (!n) continue;
        const m = perSecond.get(second) ?? new Map<string, number>();
        m.set(k, (m.get(k) ?? 0) + n);
        perSecond.set(second, m);
      }
    }
  }
  return [...perSecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, 60)
    .map(
      ([s, m]) =>
        `  ${String(s).padStart(4)}s  ${[...m.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
}
