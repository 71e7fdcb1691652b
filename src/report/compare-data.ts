import { errorRate } from '../analysis/verdict.js';
import type { FailureKind, Finding, Results } from '../results/types.js';
import { FAILURE_KINDS } from '../results/types.js';
import { MAX_POINTS } from './report-data.js';
import { verdictWord } from './junit-xml.js';

/** CompareRow is one run's headline figures. */
export interface CompareRow {
  label: string;
  target: string;
  startedAt: string;
  sent: number;
  ok: number;
  failed: number;
  errorRate: number;
  byKind: Partial<Record<FailureKind, number>>;
  longestOutageMs: number | null;
  p99Us: number;
  /** verdict is the run's verdict word (verdictWord): PASS, FAIL, INCONCLUSIVE (exit 3) or NOT ANALYSED. */
  verdict: string;
  reasons: string[];
  findings: Array<Pick<Finding, 'id' | 'severity' | 'title' | 'evidence' | 'fix' | 'failures'>>;
}

/** CompareData is the compare page's data: one row per run and series on one shared time axis. */
export interface CompareData {
  rows: CompareRow[];
  /** xLabel says what the shared time axis counts from. */
  xLabel: string;
  t: number[];
  failed: Array<Array<number | null>>;
  ok: Array<Array<number | null>>;
  p99: Array<Array<number | null>>;
}

/** runLabel names a run: its variant when it has one (demo), else its position, command and start time. */
export function runLabel(r: Results, index: number): string {
  const variant = r.meta.params.variant;
  if (typeof variant === 'string' && variant !== '') return variant;
  return `#${index + 1} ${r.meta.command} ${r.meta.startedAt.replace('T', ' ').slice(0, 19)}`;
}

/** buildCompareRows gives each run's headline figures. */
export function buildCompareRows(runs: readonly Results[], labels?: readonly string[]): CompareRow[] {
  return runs.map((r, i) => ({
    label: labels?.[i] ?? runLabel(r, i),
    target: r.meta.target,
    startedAt: r.meta.startedAt,
    sent: r.totals.sent,
    ok: r.totals.ok,
    failed: r.totals.failed,
    errorRate: errorRate(r.totals),
    byKind: Object.fromEntries(FAILURE_KINDS.filter((k) => r.totals.byKind[k]).map((k) => [k, r.totals.byKind[k] ?? 0])),
    longestOutageMs: r.analysis ? r.analysis.longestOutageMs : null,
    p99Us: r.totals.latency.p99Us,
    verdict: verdictWord(r),
    reasons: r.analysis?.verdict.reasons ?? [],
    findings: (r.analysis?.findings ?? []).map(({ id, severity, title, evidence, fix, failures }) => ({ id, severity, title, evidence, fix, failures })),
  }));
}

/**
 * alignOffsets picks each run's zero on the shared axis: its rollout start
 * when every run has one (runs line up at the moment that matters), else the
 * start of recorded traffic.
 */
function alignOffsets(runs: readonly Results[]): { offsets: number[]; xLabel: string } {
  const rollouts = runs.map((r) => r.events.find((e) => e.kind === 'rollout-started')?.atMs);
  if (runs.length > 0 && rollouts.every((x) => x !== undefined)) {
    return { offsets: rollouts.map((x) => x ?? 0), xLabel: 's since rollout start' };
  }
  return { offsets: runs.map((r) => r.meta.recordedFromMs ?? r.intervals[0]?.atMs ?? 0), xLabel: 's since recording start' };
}

/** buildCompareData puts every run on one time axis (aligned by alignOffsets) in buckets of a common width. */
export function buildCompareData(runs: readonly Results[], labels?: readonly string[]): CompareData {
  const { offsets, xLabel } = alignOffsets(runs);
  const longest = runs.reduce((m, r) => Math.max(m, r.intervals.length), 0);
  const intervalMs = runs[0]?.meta.intervalMs || 100;
  const factor = Math.max(1, Math.ceil(longest / MAX_POINTS));
  const bucketMs = intervalMs * factor;
  const rel = (r: Results, i: number, atMs: number): number => atMs - (offsets[i] ?? 0);
  const first = runs.reduce((m, r, i) => Math.min(m, rel(r, i, r.intervals[0]?.atMs ?? 0)), Number.POSITIVE_INFINITY);
  const startMs = Number.isFinite(first) ? Math.floor(first / bucketMs) * bucketMs : 0;
  const last = runs.reduce((m, r, i) => Math.max(m, rel(r, i, r.intervals.at(-1)?.atMs ?? 0) + intervalMs), startMs + bucketMs);
  const n = Math.max(1, Math.ceil((last - startMs) / bucketMs));
  const t = Array.from({ length: n }, (_, i) => Math.round((startMs + i * bucketMs) / 10) / 100);
  const perSec = 1000 / bucketMs;
  const series = runs.map((r, ri) => {
    const failed: Array<number | null> = new Array<number | null>(n).fill(null);
    const ok: Array<number | null> = new Array<number | null>(n).fill(null);
    const p99: Array<number | null> = new Array<number | null>(n).fill(null);
    for (const s of r.intervals) {
      const i = Math.floor((rel(r, ri, s.atMs) - startMs) / bucketMs);
      if (i < 0 || i >= n) continue;
      let f = 0;
      for (const k of FAILURE_KINDS) f += (s.done.new[k] ?? 0) + (s.done.reused[k] ?? 0);
      failed[i] = (failed[i] ?? 0) + f * perSec;
      ok[i] = (ok[i] ?? 0) + ((s.done.new.ok ?? 0) + (s.done.reused.ok ?? 0)) * perSec;
      if (s.latency.count > 0) p99[i] = Math.max(p99[i] ?? 0, Math.round(s.latency.p99Us / 10) / 100);
    }
    return { failed, ok, p99 };
  });
  return {
    rows: buildCompareRows(runs, labels),
    xLabel,
    t,
    failed: series.map((s) => s.failed),
    ok: series.map((s) => s.ok),
    p99: series.map((s) => s.p99),
  };
}
