import { createHistogram, decodeHistogram, type Histogram } from './histogram.js';
import { summarizeWithSum } from './latency.js';
import type { TrafficPartial } from './partial.js';
import { INTERVAL_MS, type KindCounts, type Totals } from './types.js';

/** RunTotals counts the whole run as partials arrive: by kind, connection use and population, histograms, ok by pod. */
export interface RunTotals {
  add(p: TrafficPartial): void;
  /** totals is the run so far; the achieved rate is over [fromMs, endMs). Invariant: sent = ok + failed + inFlightAtStop. */
  totals(fromMs: number, endMs: number): Totals;
  sent(): number;
  /** completed is every request no longer in flight: ok + failed + expired in the queue (never sent on a connection). */
  completed(): number;
  /** okByPod counts ok answers by the pod that named itself (a copy). */
  okByPod(): Record<string, number>;
}

/** createRunTotals starts the totals of a run aiming at `targetRatePerSec`. */
export function createRunTotals(targetRatePerSec: number): RunTotals {
  const t = newTotals(targetRatePerSec);
  const latency = createHistogram();
  const lag = createHistogram();
  const service = createHistogram();
  const sums = { latencyUs: 0, lagUs: 0, serviceUs: 0 };
  const okByPod: Record<string, number> = {};
  // Actual sends by interval index, for the achieved rate over whole intervals (none: older sources).
  const startedByIndex = new Map<number, number>();
  return {
    add(p) {
      if (p.started !== undefined) startedByIndex.set(p.index, (startedByIndex.get(p.index) ?? 0) + p.started);
      for (const pop of ['keepalive', 'fresh'] as const) {
        t.sent += p.sent[pop];
        t.byPopulation[pop].sent += p.sent[pop];
        t.byPopulation[pop].ok += p.donePop[pop].ok;
        t.byPopulation[pop].failed += p.donePop[pop].failed;
      }
      t.dropped += p.dropped;
      t.queueExpired += p.queueExpired;
      for (const use of ['new', 'reused'] as const) {
        for (const [kind, n] of Object.entries(p.done[use]) as Array<[keyof KindCounts, number]>) {
          const c = t.byConn[use];
          c.completed += n;
          c.byKind[kind] = (c.byKind[kind] ?? 0) + n;
          t.byKind[kind] = (t.byKind[kind] ?? 0) + n;
          if (kind === 'ok') {
            c.ok += n;
            t.ok += n;
          } else {
            c.failed += n;
            t.failed += n;
          }
        }
      }
      // Same-thread partials bring their histograms along: adding beats decoding by far.
      addInto(latency, p.live?.latency, p.histogram);
      addInto(lag, p.live?.lag, p.lagHistogram);
      addInto(service, p.live?.service, p.serviceHistogram);
      sums.latencyUs += p.sums.latencyUs;
      sums.lagUs += p.sums.lagUs;
      sums.serviceUs += p.sums.serviceUs;
      for (const [pod, n] of Object.entries(p.okByPod)) okByPod[pod] = (okByPod[pod] ?? 0) + n;
    },
    totals(fromMs, endMs) {
      const seconds = Math.max(0.001, (endMs - fromMs) / 1000);
      return {
        ...t,
        byKind: { ...t.byKind },
        byConn: {
          new: { ...t.byConn.new, byKind: { ...t.byConn.new.byKind } },
          reused: { ...t.byConn.reused, byKind: { ...t.byConn.reused.byKind } },
        },
        byPopulation: {
          keepalive: { ...t.byPopulation.keepalive },
          fresh: { ...t.byPopulation.fresh },
        },
        inFlightAtStop: t.sent - t.ok - t.failed - t.queueExpired,
        achievedRatePerSec: achievedRate(startedByIndex, fromMs, endMs) ?? Math.round((t.sent / seconds) * 10) / 10,
        latency: summarizeWithSum(latency, sums.latencyUs),
        lag: summarizeWithSum(lag, sums.lagUs),
        service: summarizeWithSum(service, sums.serviceUs),
      };
    },
    sent: () => t.sent,
    completed: () => t.ok + t.failed + t.queueExpired,
    okByPod: () => ({ ...okByPod }),
  };
}

function newTotals(
  targetRatePerSec: number,
): Omit<Totals, 'latency' | 'lag' | 'inFlightAtStop' | 'achievedRatePerSec' | 'queueExpired'> & {
  queueExpired: number;
} {
  const conn = () => ({ completed: 0, ok: 0, failed: 0, byKind: {} as KindCounts });
  return {
    sent: 0,
    ok: 0,
    failed: 0,
    dropped: 0,
    queueExpired: 0,
    byKind: {},
    byConn: { new: conn(), reused: conn() },
    byPopulation: {
      keepalive: { sent: 0, ok: 0, failed: 0 },
      fresh: { sent: 0, ok: 0, failed: 0 },
    },
    targetRatePerSec,
  };
}

/**
 * achievedRate is the actual send rate: requests handed to a connection in the
 * whole intervals of [fromMs, endMs), per second; null when no source counted
 * its sends or the span holds no whole interval. A generator that falls behind
 * sends the backlog after the span: those sends are late, not part of the rate.
 */
function achievedRate(startedByIndex: ReadonlyMap<number, number>, fromMs: number, endMs: number): number | null {
  const first = Math.ceil(fromMs / INTERVAL_MS);
  const end = Math.floor(endMs / INTERVAL_MS);
  if (startedByIndex.size === 0 || end <= first) return null;
  let n = 0;
  for (const [index, started] of startedByIndex) if (index >= first && index < end) n += started;
  return Math.round((n / ((end - first) * INTERVAL_MS)) * 1000 * 10) / 10;
}

function addInto(total: Histogram, live: Histogram | null | undefined, encoded: string): void {
  if (live) total.add(live);
  else if (encoded !== '') total.add(decodeHistogram(encoded));
}
