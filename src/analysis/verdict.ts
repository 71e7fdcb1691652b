import type { Finding, Thresholds, Totals, UncountedStreams, Verdict } from '../results/types.js';
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
  /**
   * uncounted: the never-processed streams (and the longest outage without
   * them) the failure thresholds leave out: an HTTP/2 or gRPC verdict judges
   * what an application on a standard client sees, unless --strict-streams.
   */
  uncounted?: UncountedStreams;
}

/** errorRate is failed / completed (ok + failed), 0 when nothing completed. */
export function errorRate(totals: Pick<Totals, 'ok' | 'failed'>): number {
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
  const left = input.uncounted !== undefined && input.uncounted.neverProcessed > 0 ? input.uncounted : undefined;
  const counted = totals.failed - Math.min(left?.neverProcessed ?? 0, totals.failed);
  const what = left ? 'failed requests counted' : 'failed requests';
  if (th.maxErrors !== undefined) {
    check(
      counted > th.maxErrors,
      `${counted} ${what}, more than the ${th.maxErrors} allowed (--max-errors)`,
      `${counted} ${what} (at most ${th.maxErrors} allowed)`,
    );
  }
  if (th.maxErrorRate !== undefined) {
    // A stream a standard client retried unseen ends as the retry does: it stays in the completed count.
    const rate = errorRate({ ok: totals.ok + totals.failed - counted, failed: counted });
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
    const outageMs = left?.longestOutageMs ?? input.longestOutageMs;
    check(
      outageMs > th.maxOutageMs,
      `longest outage ${formatDuration(outageMs)}, above the ${formatDuration(th.maxOutageMs)} allowed (--max-outage)`,
      `longest outage ${formatDuration(outageMs)} (at most ${formatDuration(th.maxOutageMs)} allowed)`,
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
  if (left) reasons.push(uncountedReason(left.neverProcessed));
  const verdict: Verdict = { pass, reasons, thresholds: { ...th } };
  if (unsure.length > 0) verdict.inconclusive = unsure.join('; ');
  if (behind !== undefined) verdict.generatorBehind = behind;
  if (th.maxP99Ms !== undefined) verdict.latencyBasis = onService ? 'service' : 'latency';
  if (left) verdict.uncounted = { ...left };
  return verdict;
}

/** uncountedReason says which failures the verdict left out, and why. */
export function uncountedReason(n: number): string {
  const streams = n === 1 ? '1 stream' : `${n} streams`;
  return (
    `${streams} refused before the server processed ${n === 1 ? 'it' : 'them'} (above a GOAWAY's last-stream-id, or REFUSED_STREAM) not counted: ` +
    'a standard HTTP/2 or gRPC client retries such a stream unseen (--strict-streams counts them)'
  );
}

/** uncountedNote is the short form shown beside a step's counts: "6 refused unprocessed, not counted". */
export function uncountedNote(n: number): string {
  return `${n} refused unprocessed, not counted`;
}
