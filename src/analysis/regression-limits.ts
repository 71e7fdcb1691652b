import { UsageError } from '../errors.js';
import { parseDurationMs, parseNonNegative } from '../parse.js';

/** REGRESSION_METRICS lists what a run can regress on against a baseline, in display order. */
export const REGRESSION_METRICS = ['errors', 'outage', 'p50', 'p99', 'findings'] as const;

/** RegressionMetric is one figure compared with the baseline's. */
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];

/**
 * RegressionAllowance is how much worse than the baseline a figure may get:
 * a count (errors, findings), a time (outage, p50, p99) or a share of the
 * baseline's figure (any metric but findings).
 */
export type RegressionAllowance = { count: number } | { ms: number } | { percent: number };

/** RegressionLimits maps each metric that is checked to its allowance; absent metrics are shown, not judged. */
export type RegressionLimits = Partial<Record<RegressionMetric, RegressionAllowance>>;

/** DEFAULT_REGRESSION_LIMITS judge correctness, not speed: no new failures, no longer outage, no new findings. */
export const DEFAULT_REGRESSION_LIMITS = 'errors=0,outage=0ms,findings=0';

const TIME_METRICS = new Set<RegressionMetric>(['outage', 'p50', 'p99']);

/** parseRegressionLimits reads `errors=0,p99=20%,outage=200ms`; a mistake is a UsageError naming the fix. */
export function parseRegressionLimits(text: string, flag = '--max-regression'): RegressionLimits {
  const limits: RegressionLimits = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    const metric = REGRESSION_METRICS.find((m) => m === name);
    if (metric === undefined || value === undefined || value === '' || extra !== undefined) {
      throw new UsageError(
        `${flag}: cannot read "${part}"; give metric=allowance pairs from ${REGRESSION_METRICS.join(', ')}, e.g. errors=0,p99=20%,outage=200ms`,
      );
    }
    limits[metric] = parseAllowance(metric, value, flag);
  }
  if (Object.keys(limits).length === 0) throw new UsageError(`${flag}: no limits given; e.g. ${flag} errors=0,p99=20%`);
  return limits;
}

function parseAllowance(metric: RegressionMetric, value: string, flag: string): RegressionAllowance {
  const where = `${flag} ${metric}`;
  if (value.endsWith('%')) {
    if (metric === 'findings') throw new UsageError(`${where}: findings take a count (findings=0), not a share`);
    return { percent: parseNonNegative(value.slice(0, -1), where) };
  }
  if (TIME_METRICS.has(metric)) {
    if (/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`${where}: "${value}" needs a unit or a %: e.g. ${metric}=200ms or ${metric}=20%`);
    return { ms: parseDurationMs(value, where) };
  }
  return { count: parseNonNegative(value, where, true) };
}

/** formatAllowance writes an allowance back as the flag takes it ("20%", "200ms", "0"). */
export function formatAllowance(a: RegressionAllowance): string {
  if ('percent' in a) return `${a.percent}%`;
  if ('ms' in a) return `${a.ms}ms`;
  return String(a.count);
}
