import { createHistogram, encodeHistogram, recordUs, type Histogram } from './histogram.js';
import { emptyPartial, type RequestOutcome, type TrafficPartial } from './partial.js';
import { INTERVAL_MS, type Population } from './types.js';

/**
 * Aggregator folds single requests into per-interval partials on the hot path:
 * counts and HDR histograms, plus every failure as its own record. Intervals
 * are closed by `flush(nowMs)`; their histograms are encoded then and reused.
 */
export interface Aggregator {
  /** sent counts one request scheduled at `atMs` (and records its scheduling lag when given). */
  sent(atMs: number, population: Population, lagMs?: number): void;
  /** started records the scheduling lag (actual start − intended, queue wait included) of a request handed to a connection at `atMs`. */
  started(atMs: number, lagMs: number): void;
  /** dropped counts one request not sent because --max-in-flight was reached. */
  dropped(atMs: number): void;
  /** done records one finished request. */
  done(o: RequestOutcome): void;
  /** flush closes and returns every interval that ended at or before `nowMs` (every one when `all`). */
  flush(nowMs: number, all?: boolean): TrafficPartial[];
}

interface OpenInterval {
  partial: TrafficPartial;
  latency: Histogram | null;
  lag: Histogram | null;
  service: Histogram | null;
}

/** createAggregator makes an empty aggregator. */
export function createAggregator(): Aggregator {
  const open = new Map<number, OpenInterval>();
  const spare: Histogram[] = [];
  const take = (): Histogram => spare.pop() ?? createHistogram();
  const at = (ms: number): OpenInterval => {
    const index = Math.floor(ms / INTERVAL_MS);
    let o = open.get(index);
    if (o === undefined) {
      o = { partial: emptyPartial(index), latency: null, lag: null, service: null };
      open.set(index, o);
    }
    return o;
  };
  const close = (o: OpenInterval): TrafficPartial => {
    const p = o.partial;
    for (const key of ['latency', 'lag', 'service'] as const) {
      const h = o[key];
      if (h === null) continue;
      const encoded = encodeHistogram(h);
      if (key === 'latency') p.histogram = encoded;
      else if (key === 'lag') p.lagHistogram = encoded;
      else p.serviceHistogram = encoded;
      h.reset();
      spare.push(h);
    }
    return p;
  };
  return {
    sent(atMs, population, lagMs) {
      const o = at(atMs);
      o.partial.sent[population] += 1;
      if (lagMs !== undefined) recordUs((o.lag ??= take()), lagMs * 1000);
    },
    started(atMs, lagMs) {
      const o = at(atMs);
      recordUs((o.lag ??= take()), lagMs * 1000);
    },
    dropped(atMs) {
      at(atMs).partial.dropped += 1;
    },
    done(r) {
      const o = at(r.endAtMs);
      const p = o.partial;
      const counts = p.done[r.reused ? 'reused' : 'new'];
      counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      if (r.kind === 'ok') {
        p.donePop[r.population].ok += 1;
        recordUs((o.latency ??= take()), (r.endAtMs - r.intendedAtMs) * 1000);
        recordUs((o.service ??= take()), (r.endAtMs - r.startAtMs) * 1000);
        if (r.pod !== undefined) p.okByPod[r.pod] = (p.okByPod[r.pod] ?? 0) + 1;
        return;
      }
      p.donePop[r.population].failed += 1;
      p.failures.push({
        intendedAtMs: round3(r.intendedAtMs),
        startAtMs: round3(r.startAtMs),
        endAtMs: round3(r.endAtMs),
        latencyMs: round3(r.endAtMs - r.intendedAtMs),
        kind: r.kind,
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
        connId: r.connId,
        reused: r.reused,
        population: r.population,
        ...(r.pod !== undefined ? { pod: r.pod } : {}),
      });
    },
    flush(nowMs, all = false) {
      const limit = all ? Infinity : Math.floor(nowMs / INTERVAL_MS);
      const out: TrafficPartial[] = [];
      for (const [index, o] of open) {
        if (index >= limit) continue;
        out.push(close(o));
        open.delete(index);
      }
      return out.sort((a, b) => a.index - b.index);
    },
  };
}

/** round3 keeps µs resolution in ms values (three decimals). */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
