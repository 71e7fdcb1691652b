import type { Finding, Thresholds, Totals, Verdict } from '../results/types.js';
import { formatDuration } from './format.js';

/** VerdictInput is what the verdict is decided on. */
export interface VerdictInput {
  totals: Totals;
  longestOutageMs: number;
  findings: readonly Finding[];
  thresholds: Thresholds;
  /** inconclusive lists why the run cannot judge the rollout (see inconclusiveReasons); any makes the verdict inconclusive. */
  inconclusive?: readonly string[];
  /**
   * generatorBehind is the line saying the generator fell behind its schedule
   * (generator-lag.ts): --max-p99 is then judged on service time, and the run
   * is inconclusive unless its failures alone already fail it.
   */
  generatorBehind?: string;
  /** lagHigh: the generator's lag p99 passed its bound (generator-lag.ts), so --max-p99 is judged on service time. */
  lagHigh?: boolean;
}

/** errorRate is failed / completed (ok + failed), 0 when nothing completed. */
export function errorRate(totals: Totals): number {
  const completed = totals.ok + totals.failed;
  return completed === 0 ? 0 : totals.failed / completed;
}

/** formatRate writes a share as a percentage with enough digits to be honest ("0.012%"). */
export function formatRate(rate: number): string {
  const pct = rate * 100;
  if (pct === 0) return '0%';
  if (pct >= 10) return `${pct.toFixed(1)}%`;
  if (pct >= 0.1) return `${pct.toFixed(2)}%`;
  return `${pct.toPrecision(2)}%`;
}

/**
 * decideVerdict checks each threshold that is set (absent = not checked) and
 * fails a run whose rollout failed or timed out. `reasons` says why it failed,
 * or, for a pass, what was checked.
 */
export function decideVerdict(input: VerdictInput): Verdict {
  const { totals, thresholds: th } = input;
  const failed: string[] = [];
  const passed: string[] = [];
  const check = (bad: boolean, failText: string, passText: string): boolean => {
    (bad ? failed : passed).push(bad ? failText : passText);
    return bad;
  };
  const behind = input.generatorBehind;
  // With the generator behind, latency from the intended send time is its own delay: judge the target's part.
  const onService = (behind !== undefined || input.lagHigh === true) && totals.service !== undefined;
  let latencyFailed = false;
  if (th.maxErrors !== undefined) {
    check(
      totals.failed > th.maxErrors,
      `${totals.failed} failed requests, more than the ${th.maxErrors} allowed (--max-errors)`,
      `${totals.failed} failed requests (at most ${th.maxErrors} allowed)`,
    );
  }
  if (th.maxErrorRate !== undefined) {
    const rate = errorRate(totals);
    check(
      rate > th.maxErrorRate,
      `error rate ${formatRate(rate)}, above the ${formatRate(th.maxErrorRate)} allowed (--max-error-rate)`,
      `error rate ${formatRate(rate)} (at most ${formatRate(th.maxErrorRate)} allowed)`,
    );
  }
  if (th.maxP99Ms !== undefined) {
    const p99Ms = ((onService ? totals.service : undefined) ?? totals.latency).p99Us / 1000;
    const what = onService ? 'p99 service time (latency less the generator\'s scheduling lag)' : 'p99 latency';
    latencyFailed = check(
      p99Ms > th.maxP99Ms,
      `${what} ${formatDuration(p99Ms)}, above the ${formatDuration(th.maxP99Ms)} allowed (--max-p99)`,
      `${what} ${formatDuration(p99Ms)} (at most ${formatDuration(th.maxP99Ms)} allowed)`,
    );
  }
  if (th.maxOutageMs !== undefined) {
    check(
      input.longestOutageMs > th.maxOutageMs,
      `longest outage ${formatDuration(input.longestOutageMs)}, above the ${formatDuration(th.maxOutageMs)} allowed (--max-outage)`,
      `longest outage ${formatDuration(input.longestOutageMs)} (at most ${formatDuration(th.maxOutageMs)} allowed)`,
    );
  }
  const rollout = input.findings.find((f) => f.id === 'rollout-failed');
  if (rollout) failed.push(`the rollout did not complete${rollout.evidence[0] ? `: ${rollout.evidence[0]}` : ''}`);
  const unsure = [...(input.inconclusive ?? [])];
  // Failed requests are the target's answer whatever the client's lag; only latency waits on the client.
  const failuresFail = failed.length > (latencyFailed ? 1 : 0);
  if (behind !== undefined && !failuresFail) unsure.push(behind);
  const pass = failed.length === 0 && unsure.length === 0;
  const reasons = pass ? passed : [...unsure.map((r) => `inconclusive: ${r}`), ...failed];
  if (behind !== undefined && failuresFail) reasons.push(`the failures alone fail the run, though ${behind}`);
  const verdict: Verdict = { pass, reasons, thresholds: { ...th } };
  if (unsure.length > 0) verdict.inconclusive = unsure.join('; ');
  if (behind !== undefined) verdict.generatorBehind = behind;
  if (th.maxP99Ms !== undefined) verdict.latencyBasis = onService ? 'service' : 'latency';
  return verdict;
}
