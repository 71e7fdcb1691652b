import { NEVER_PROCESSED_KINDS, type FailureRecord, type Results } from '../results/types.js';
import { formatAt, plural } from './format.js';

/**
 * inconclusiveReasons says why a run cannot judge the rollout, if it cannot:
 * the generator fell short of its own rate (requests dropped at
 * --max-in-flight or never given a connection within --timeout), the books do
 * not balance (the engine's own in-flight count differs from sent − completed),
 * or the baseline before the first action already failed. Each of these would
 * otherwise be read as the target's fault, or hide it. `leaveOutNeverProcessed`:
 * the verdict does not count never-processed streams (uncounted-streams.ts), so
 * neither does the baseline.
 */
export function inconclusiveReasons(results: Results, leaveOutNeverProcessed = false): string[] {
  const out: string[] = [];
  const counts = (f: FailureRecord): boolean => !leaveOutNeverProcessed || !NEVER_PROCESSED_KINDS.has(f.kind);
  const baseline = baselineProblems(results, counts);
  if (baseline !== null) out.push(`the baseline was not clean: ${baseline}`);
  const t = results.totals;
  const shortfall = shortfallText(t.dropped, t.queueExpired ?? 0, results);
  if (shortfall !== null) out.push(`the generator fell short of its rate: ${shortfall}`);
  if (t.inFlightCounted !== undefined && t.inFlightCounted !== t.inFlightAtStop) {
    out.push(
      `the books do not balance: the engine counted ${t.inFlightCounted} requests in flight at stop, sent − completed gives ${t.inFlightAtStop}`,
    );
  }
  return out;
}

/** shortfallText describes the generator's own shortfall, or null when it kept its rate. */
export function shortfallText(dropped: number, queueExpired: number, results: Results): string | null {
  if (dropped === 0 && queueExpired === 0) return null;
  const parts: string[] = [];
  if (queueExpired > 0) {
    const conns = Number(results.meta.params.connections);
    const withConns = Number.isFinite(conns) && conns > 0 ? ` (all ${conns} --connections busy)` : '';
    parts.push(`${plural(queueExpired, 'request')} never got a connection within --timeout${withConns}`);
  }
  if (dropped > 0) parts.push(`${plural(dropped, 'request')} dropped at --max-in-flight`);
  return `${parts.join(' and ')}; raise --connections (or lower --rate) so the client is not the bottleneck`;
}

/** baselineSpan is the baseline phase [startMs, endMs), or null when the run had none followed by another phase. */
export function baselineSpan(results: Results): { startMs: number; endMs: number } | null {
  const phases = results.meta.phases;
  const i = phases.findIndex((p) => p.phase === 'baseline');
  const start = phases[i];
  const next = phases[i + 1];
  if (i < 0 || start === undefined || next === undefined || next.phase === 'stopping') return null;
  return { startMs: start.atMs, endMs: next.atMs };
}

function baselineProblems(results: Results, counts: (f: FailureRecord) => boolean): string | null {
  const span = baselineSpan(results);
  if (span === null) return null;
  const inSpan = (atMs: number): boolean => atMs >= span.startMs && atMs < span.endMs;
  const failed = results.failures.filter((f) => inSpan(f.endAtMs) && counts(f));
  let dropped = 0;
  let expired = 0;
  for (const s of results.intervals) {
    if (!inSpan(s.atMs)) continue;
    dropped += s.dropped;
    expired += s.queueExpired ?? 0;
  }
  const parts: string[] = [];
  if (failed.length > 0) {
    parts.push(`${plural(failed.length, 'request')} failed before the rollout began (from ${formatAt(failed[0]?.endAtMs ?? span.startMs)})`);
  }
  const shortfall = shortfallText(dropped, expired, results);
  if (shortfall !== null) parts.push(`in the baseline ${shortfall}`);
  return parts.length > 0 ? parts.join('; ') : null;
}
