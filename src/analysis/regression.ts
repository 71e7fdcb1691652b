import type { FindingId, Results, Verdict } from '../results/types.js';
import { formatDuration, plural } from './format.js';
import { formatAllowance, REGRESSION_METRICS, type RegressionAllowance, type RegressionLimits, type RegressionMetric } from './regression-limits.js';

/** MetricChange is one figure of a run next to the baseline's, and whether it regressed past its allowance. */
export interface MetricChange {
  metric: RegressionMetric;
  baseline: number;
  current: number;
  unit: 'count' | 'ms';
  /** allowance as the flag took it ("20%"), when the metric is judged. */
  allowance?: string;
  regressed: boolean;
}

/** BaselineComparison is a run against a baseline run: every metric's change, and the regressions as verdict reasons. */
export interface BaselineComparison {
  changes: MetricChange[];
  /** newFindings are the finding ids (critical or warning) the run has and the baseline has not. */
  newFindings: FindingId[];
  /** regressions are verdict reasons, one per metric past its allowance, each naming it. */
  regressions: string[];
}

/** REGRESSION_PREFIX starts every regression reason in a verdict, so readers can tell them from threshold reasons. */
export const REGRESSION_PREFIX = 'regression against the baseline: ';

/**
 * compareWithBaseline judges `current` against `baseline` (both analysed): each
 * metric in `limits` may be worse than the baseline's by its allowance (a count,
 * a time, or a share of the baseline's figure) and no more.
 */
export function compareWithBaseline(baseline: Results, current: Results, limits: RegressionLimits): BaselineComparison {
  const before = seriousFindings(baseline);
  const after = seriousFindings(current);
  const newFindings = [...after].filter((id) => !before.has(id));
  const changes = REGRESSION_METRICS.map((metric): MetricChange => {
    const b = metricValue(baseline, metric, before.size);
    const c = metricValue(current, metric, after.size);
    const allowance = limits[metric];
    const change: MetricChange = { metric, baseline: b, current: c, unit: metric === 'errors' || metric === 'findings' ? 'count' : 'ms', regressed: false };
    if (allowance === undefined) return change;
    change.allowance = formatAllowance(allowance);
    change.regressed = metric === 'findings' ? newFindings.length > countOf(allowance) : c > allowedMax(b, allowance);
    return change;
  });
  const regressions = changes.filter((c) => c.regressed).map((c) => regressionReason(c, newFindings));
  return { changes, newFindings, regressions };
}

/** withRegressions fails a verdict that regressed against its baseline, adding one reason per regression. */
export function withRegressions(verdict: Verdict, regressions: readonly string[]): Verdict {
  if (regressions.length === 0) return verdict;
  return { ...verdict, pass: false, reasons: [...(verdict.pass ? [] : verdict.reasons), ...regressions] };
}

/** regressionsOf is the reasons of a verdict that are regressions against a baseline (none without a baseline). */
export function regressionsOf(verdict: Verdict | undefined): string[] {
  return (verdict?.reasons ?? []).filter((r) => r.startsWith(REGRESSION_PREFIX));
}

/** formatMetricValue writes one metric's figure for people: "37", "1.2 s". */
export function formatMetricValue(unit: MetricChange['unit'], value: number): string {
  return unit === 'count' ? String(value) : formatDuration(value);
}

function seriousFindings(r: Results): Set<FindingId> {
  return new Set((r.analysis?.findings ?? []).filter((f) => f.severity !== 'info').map((f) => f.id));
}

function metricValue(r: Results, metric: RegressionMetric, findings: number): number {
  switch (metric) {
    case 'errors':
      return r.totals.failed;
    case 'outage':
      return r.analysis?.longestOutageMs ?? 0;
    case 'p50':
      return r.totals.latency.p50Us / 1000;
    case 'p99':
      return r.totals.latency.p99Us / 1000;
    case 'findings':
      return findings;
  }
}

function countOf(a: RegressionAllowance): number {
  return 'count' in a ? a.count : 0;
}

function allowedMax(baseline: number, a: RegressionAllowance): number {
  if ('percent' in a) return baseline * (1 + a.percent / 100);
  if ('ms' in a) return baseline + a.ms;
  return baseline + a.count;
}

function regressionReason(c: MetricChange, newFindings: readonly FindingId[]): string {
  const allowed = `--max-regression ${c.metric}=${c.allowance ?? ''}`;
  const fmt = (v: number): string => formatMetricValue(c.unit, v);
  switch (c.metric) {
    case 'errors':
      return `${REGRESSION_PREFIX}${plural(c.current, 'failed request')}, up from ${c.baseline} (${allowed})`;
    case 'outage':
      return `${REGRESSION_PREFIX}longest outage ${fmt(c.current)}, up from ${fmt(c.baseline)} (${allowed})`;
    case 'p50':
    case 'p99':
      return `${REGRESSION_PREFIX}${c.metric} latency ${fmt(c.current)}, up from ${fmt(c.baseline)} (${allowed})`;
    case 'findings':
      return `${REGRESSION_PREFIX}new ${newFindings.length === 1 ? 'finding' : 'findings'} ${newFindings.join(', ')}, not in the baseline (${allowed})`;
  }
}
