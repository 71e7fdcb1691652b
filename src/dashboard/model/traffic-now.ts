import { mergeEncoded } from '../../results/histogram.js';
import type { LiveSnapshot } from '../../results/live.js';
import {
  FAILURE_KINDS,
  INTERVAL_MS,
  type FailureKind,
  type IntervalSample,
  type KindCounts,
} from '../../results/types.js';

/** TrafficNow is the traffic of the last second, as the traffic panel shows it. */
export interface TrafficNow {
  targetRatePerSec: number;
  /** achievedRatePerSec is requests sent over the last second, by actual send time where the engine counts it. */
  achievedRatePerSec: number;
  okThisSec: number;
  failedThisSec: number;
  p50Us: number;
  p99Us: number;
  inFlight: number;
  droppedThisSec: number;
  droppedTotal: number;
  /** noConnTotal is requests that never got a connection within --timeout (the generator's shortfall, like dropped). */
  noConnTotal: number;
}

/** FailureSeries is one failure kind's failures per second over the last minute, oldest first. */
export interface FailureSeries {
  kind: FailureKind;
  perSec: number[];
  total: number;
}

const PER_SEC = Math.round(1000 / INTERVAL_MS);

/** trafficNow sums the last second of intervals (latency quantiles from their merged histograms). */
export function trafficNow(s: LiveSnapshot): TrafficNow {
  const last = s.recent.slice(-PER_SEC);
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let dropped = 0;
  for (const i of last) {
    sent += i.started ?? i.sent;
    dropped += i.dropped;
    for (const counts of [i.done.new, i.done.reused]) {
      for (const [kind, n] of Object.entries(counts) as Array<[keyof KindCounts, number]>) {
        if (kind === 'ok') ok += n;
        else failed += n;
      }
    }
  }
  // Decoding ten small histograms per tick is cheap; quantiles of per-interval quantiles would be wrong.
  const h = mergeEncoded(last.map((i) => i.histogram));
  const spanSec = Math.max(1, last.length) / PER_SEC;
  return {
    targetRatePerSec: s.targetRatePerSec,
    achievedRatePerSec: last.length === 0 ? 0 : Math.round(sent / spanSec),
    okThisSec: ok,
    failedThisSec: failed,
    p50Us: h.totalCount === 0 ? 0 : h.getValueAtPercentile(50),
    p99Us: h.totalCount === 0 ? 0 : h.getValueAtPercentile(99),
    inFlight: last[last.length - 1]?.inFlight ?? 0,
    droppedThisSec: dropped,
    droppedTotal: s.totals.dropped,
    noConnTotal: s.totals.queueExpired ?? 0,
  };
}

/** failureSeries buckets the recent intervals' failures into `seconds` one-second bins per kind, busiest kinds first. */
export function failureSeries(recent: readonly IntervalSample[], seconds = 60): FailureSeries[] {
  const lastSample = recent[recent.length - 1];
  if (!lastSample) return [];
  const endSec = Math.floor(lastSample.atMs / 1000);
  const firstSec = endSec - seconds + 1;
  const byKind = new Map<FailureKind, number[]>();
  for (const i of recent) {
    const bin = Math.floor(i.atMs / 1000) - firstSec;
    if (bin < 0) continue;
    for (const counts of [i.done.new, i.done.reused]) addFailures(byKind, counts, bin, seconds);
  }
  const series: FailureSeries[] = [];
  for (const kind of FAILURE_KINDS) {
    const perSec = byKind.get(kind);
    if (perSec) series.push({ kind, perSec, total: perSec.reduce((a, b) => a + b, 0) });
  }
  return series.sort((a, b) => b.total - a.total);
}

function addFailures(
  byKind: Map<FailureKind, number[]>,
  counts: KindCounts,
  bin: number,
  seconds: number,
): void {
  for (const [kind, n] of Object.entries(counts) as Array<[keyof KindCounts, number]>) {
    if (kind === 'ok' || n <= 0) continue;
    let perSec = byKind.get(kind);
    if (!perSec) {
      perSec = new Array<number>(seconds).fill(0);
      byKind.set(kind, perSec);
    }
    perSec[bin] = (perSec[bin] ?? 0) + n;
  }
}
