import type { Thresholds } from './types.js';
import { UsageError } from '../errors.js';
import { parseDurationMs, parseNonNegative } from '../parse.js';

/** DEFAULT_MAX_ERRORS is the error budget of a rollout when none is given: not one failed request. */
export const DEFAULT_MAX_ERRORS = 0;

/** readThresholds validates the verdict thresholds keyed by flag name (commander's `opts()` or a scenario's `thresholds`). */
export function readThresholds(opts: Record<string, unknown>): Thresholds {
  const text = (name: string): string | undefined => {
    const v = opts[name];
    return v === undefined || v === null || v === false ? undefined : String(v);
  };
  const th: Thresholds = {};
  const maxErrors = text('maxErrors');
  th.maxErrors = maxErrors === undefined ? DEFAULT_MAX_ERRORS : parseNonNegative(maxErrors, '--max-errors', true);
  const rate = text('maxErrorRate');
  if (rate !== undefined) th.maxErrorRate = parseErrorRate(rate);
  const p99 = text('maxP99');
  if (p99 !== undefined) th.maxP99Ms = parseDurationMs(p99, '--max-p99');
  const outage = text('maxOutage');
  if (outage !== undefined) th.maxOutageMs = parseDurationMs(outage, '--max-outage');
  const strict = opts.strictStreams;
  if (strict === true || strict === 'true') th.strictStreams = true;
  else if (strict !== undefined && strict !== false && strict !== 'false') throw new UsageError(`--strict-streams: cannot read "${String(strict)}"; use true or false`);
  return th;
}

/** parseErrorRate reads `0.1%` (a percentage) or `0.001` (a fraction) as a fraction 0..1. */
export function parseErrorRate(text: string): number {
  const t = text.trim();
  const pct = t.endsWith('%');
  const n = Number(pct ? t.slice(0, -1) : t);
  const fraction = pct ? n / 100 : n;
  if (t === '' || t === '%' || !Number.isFinite(n) || fraction < 0 || fraction > 1) {
    throw new UsageError(`--max-error-rate: cannot read "${text}" as a share; use e.g. 0.1% or 0.001 (between 0 and 1)`);
  }
  return fraction;
}
