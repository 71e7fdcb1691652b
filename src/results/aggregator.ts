import { createHistogram, encodeHistogram, recordUs, type Histogram } from './histogram.js';
import { emptyPartial, type RequestOutcome, type TrafficPartial } from './partial.js';
import { createBuckets, recordBucket, toCompact, type ServiceBuckets } from './service-buckets.js';
import { INTERVAL_MS, type Population } from './types.js';

/**
 * Aggregator folds single requests into per-interval partials on the hot path:
 * counts and HDR histograms, plus every failure as its own record. Intervals
 * are closed by `flush(nowMs)`; their histograms are encoded then and reused.
 */
export interface Aggregator {
  /** sent counts one request scheduled at `atMs` (and records its scheduling lag when given). */
  sent(atMs: number, population: Population, lagMs?: number): void;
  /**
   * started counts one actual send at `atMs` and, for a counted request, records its scheduling lag
   * (actual start − intended, queue wait included). A warm-up request sent late is still a send.
   */
  started(atMs: number, lagMs: number, counted?: boolean): void;
  /** dropped counts `count` (default 1) requests not sent because --max-in-flight was reached. */
  dropped(atMs: number, count?: number): void;
  /** queueExpired counts one request that never got a connection within --timeout (the generator's shortfall). */
  queueExpired(atMs: number): void;
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
  /** byPod is each pod's service-time distribution, made compact when the interval closes. */
  byPod: Map<string, ServiceBuckets> | null;
}

/** AggregatorOptions say where the partials go. */
export interface AggregatorOptions {
  /**
   * wire: the partials cross a thread (worker → main), so every histogram is
   * encoded and none is attached live. Otherwise the service histogram is not
   * encoded (results keep only its total) and all three ride along live.
   */
  wire?: boolean;
}

/** createAggregator makes an empty aggregator. */
export function createAggregator(options: AggregatorOptions = {}): Aggregator {
  const wire = options.wire === true;
  const open = new Map<number, OpenInterval>();
  const take = (): Histogram => createHistogram();
  // Nearly every call lands in the interval of the call before: skip the map lookup then.
  let lastIndex = -1;
  let last: OpenInterval | null = null;
  const at = (ms: number): OpenInterval => {
    const index = Math.floor(ms / INTERVAL_MS);
    if (index === lastIndex && last !== null) return last;
    let o = open.get(index);
    if (o === undefined) {
      o = { partial: emptyPartial(index), latency: null, lag: null, service: null, byPod: null };
      open.set(index, o);
    }
    lastIndex = index;
    last = o;
    return o;
  };
  // Encoding walks the whole counts array: done once per interval, only where a string is needed.
  const close = (o: OpenInterval): TrafficPartial => {
    const p = o.partial;
    if (o.byPod !== null) {
      const byPod: Record<string, number[]> = {};
      for (const [pod, b] of o.byPod) byPod[pod] = toCompact(b);
      p.okServiceBucketsByPod = byPod;
    }
    if (o.latency) p.histogram = encodeHistogram(o.latency);
    if (o.lag) {
      p.lagHistogram = encodeHistogram(o.lag);
      p.lagP99Us = o.lag.getValueAtPercentile(99);
    }
    if (wire) {
      if (o.service) p.serviceHistogram = encodeHistogram(o.service);
    } else {
      p.live = { latency: o.latency, lag: o.lag, service: o.service };
    }
    return p;
  };
  return {
    sent(atMs, population, lagMs) {
      const o = at(atMs);
      o.partial.sent[population] += 1;
      if (lagMs !== undefined) {
        // A send reported with its lag went out then: it is an actual send too.
        o.partial.started = (o.partial.started ?? 0) + 1;
        recordUs((o.lag ??= take()), lagMs * 1000);
        o.partial.sums.lagUs += Math.max(1, Math.round(lagMs * 1000));
      }
    },
    started(atMs, lagMs, counted = true) {
      const o = at(atMs);
      o.partial.started = (o.partial.started ?? 0) + 1;
      if (!counted) return;
      // recordUs's clamp, done once here: the value recorded and the value summed are the same.
      const lagUs = Math.max(1, Math.round(lagMs * 1000));
      (o.lag ??= take()).recordValue(lagUs);
      o.partial.sums.lagUs += lagUs;
    },
    dropped(atMs, count = 1) {
      at(atMs).partial.dropped += count;
    },
    queueExpired(atMs) {
      at(atMs).partial.queueExpired += 1;
    },
    done(r) {
      const o = at(r.endAtMs);
      const p = o.partial;
      const counts = p.done[r.reused ? 'reused' : 'new'];
      counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      if (r.method !== undefined) countMethod(p, r);
      if (r.kind === 'ok') {
        // An upstream header listing several addresses: the proxy retried, the user never saw the failure.
        if (r.upstream !== undefined && r.upstream.includes(',')) {
          (p.retried ??= []).push({ startAtMs: round3(r.startAtMs), endAtMs: round3(r.endAtMs), method: r.method ?? 'GET', upstream: r.upstream, status: r.status ?? 200, population: r.population });
        }
        p.donePop[r.population].ok += 1;
        const latencyUs = Math.max(1, Math.round((r.endAtMs - r.intendedAtMs) * 1000));
        const serviceUs = Math.max(1, Math.round((r.endAtMs - r.startAtMs) * 1000));
        (o.latency ??= take()).recordValue(latencyUs);
        (o.service ??= take()).recordValue(serviceUs);
        p.sums.latencyUs += latencyUs;
        p.sums.serviceUs += serviceUs;
        if (r.pod !== undefined) {
          p.okByPod[r.pod] = (p.okByPod[r.pod] ?? 0) + 1;
          p.okServiceUsByPod[r.pod] = (p.okServiceUsByPod[r.pod] ?? 0) + serviceUs;
          const byPod = (o.byPod ??= new Map());
          let b = byPod.get(r.pod);
          if (b === undefined) byPod.set(r.pod, (b = createBuckets()));
          recordBucket(b, serviceUs);
        }
        return;
      }
      p.donePop[r.population].failed += 1;
      // One fixed shape for every record (absent fields stay undefined and are left out of the
      // JSON): a long run keeps hundreds of thousands of these.
      p.failures.push({
        intendedAtMs: round3(r.intendedAtMs),
        startAtMs: round3(r.startAtMs),
        endAtMs: round3(r.endAtMs),
        latencyMs: round3(r.endAtMs - r.intendedAtMs),
        kind: r.kind,
        status: r.status,
        errorCode: r.errorCode,
        message: r.message,
        connId: r.connId,
        reused: r.reused,
        population: r.population,
        pod: r.pod,
        method: r.method,
        answeredBy: r.answeredBy,
        server: r.server,
        via: r.via,
        upstream: r.upstream,
        streamId: r.streamId === 0 ? undefined : r.streamId,
      });
    },
    flush(nowMs, all = false) {
      const limit = all ? Infinity : Math.floor(nowMs / INTERVAL_MS);
      const out: TrafficPartial[] = [];
      for (const [index, o] of open) {
        if (index >= limit) continue;
        out.push(close(o));
        open.delete(index);
        if (index === lastIndex) last = null;
      }
      return out.sort((a, b) => a.index - b.index);
    },
  };
}

function countMethod(p: TrafficPartial, r: RequestOutcome): void {
  const byMethod = (p.byMethod ??= {});
  const m = (byMethod[r.method as string] ??= { ok: 0, failed: 0 });
  if (r.kind === 'ok') m.ok += 1;
  else m.failed += 1;
}

/** round3 keeps µs resolution in ms values (three decimals). */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
