import {
  EMPTY_SUMMARY,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  type Histogram,
} from './histogram.js';
import { summarizeWithSum } from './latency.js';
import { mergeCompact, type Compact } from './service-buckets.js';
import type { TrafficPartial } from './partial.js';
import {
  INTERVAL_MS,
  type ConnUse,
  type IntervalSample,
  type KindCounts,
  type LatencySummary,
} from './types.js';

interface IntervalRec {
  index: number;
  sent: number;
  /** started is -1 until a part says how many it handed to a connection (parts from older runners do not). */
  started: number;
  /** lagP99Us is the worst part's p99 scheduling lag (-1: none said). */
  lagP99Us: number;
  dropped: number;
  queueExpired: number;
  completed: number;
  done: Record<ConnUse, KindCounts>;
  histParts: string[];
  lagParts: string[];
  okByPod: Record<string, number>;
  okServiceUsByPod: Record<string, number>;
  /** bucketParts is each pod's compact service-time distributions, one per partial, merged on build. */
  bucketParts: Map<string, Compact[]>;
  latencySumUs: number;
  /** latency is the summary read from a single live histogram at add time (null: decode on build). */
  latency: LatencySummary | null;
  /** sample is the built IntervalSample without inFlight, dropped when a late partial arrives. */
  sample: Omit<IntervalSample, 'inFlight'> | null;
  /** full is the last IntervalSample handed out (sample + inFlight), reused while both hold. */
  full: IntervalSample | null;
  /** live is the latency histogram of a single same-thread part, held for the last LIVE_KEPT intervals only. */
  live: Histogram | null;
}

// Live histograms held for the progress line's last second, and a little slack for late parts.
const LIVE_KEPT = 20;

/**
 * IntervalStore keeps one record per 100 ms interval, merging partials from
 * any number of sources as they come (late ones included). Histograms stay
 * encoded (a few hundred bytes each), so a long run stays small.
 */
export interface IntervalStore {
  add(p: TrafficPartial): void;
  /** samples builds intervals [fromIndex, toIndex] (gaps filled), with inFlight from the running balance. */
  samples(
    fromIndex: number,
    toIndex: number,
    totalSent: number,
    totalCompleted: number,
  ): IntervalSample[];
  lastIndex(): number;
  /** latencyOf merges the latency of intervals [fromIndex, toIndex] from live histograms (decoding only parts that came encoded). */
  latencyOf(fromIndex: number, toIndex: number): Histogram;
}

/** createIntervalStore makes an empty store. */
export function createIntervalStore(): IntervalStore {
  const recs = new Map<number, IntervalRec>();
  let last = -1;
  const get = (index: number): IntervalRec => {
    let r = recs.get(index);
    if (r === undefined) {
      r = {
        index,
        sent: 0,
        started: -1,
        lagP99Us: -1,
        dropped: 0,
        queueExpired: 0,
        completed: 0,
        done: { new: {}, reused: {} },
        histParts: [],
        lagParts: [],
        okByPod: {},
        okServiceUsByPod: {},
        bucketParts: new Map(),
        latencySumUs: 0,
        latency: null,
        sample: null,
        full: null,
        live: null,
      };
      recs.set(index, r);
      if (index > last) {
        // Let go of live histograms that fell out of the window.
        for (
          let i = Math.max(last - LIVE_KEPT + 1, index - 2 * LIVE_KEPT);
          i <= index - LIVE_KEPT;
          i += 1
        ) {
          const old = recs.get(i);
          if (old !== undefined) old.live = null;
        }
        last = index;
      }
    }
    return r;
  };
  const build = (r: IntervalRec): Omit<IntervalSample, 'inFlight'> => {
    if (r.sample !== null) return r.sample;
    const histogram = joinParts(r.histParts);
    r.histParts = histogram === '' ? [] : [histogram];
    const lagHistogram = joinParts(r.lagParts);
    r.lagParts = lagHistogram === '' ? [] : [lagHistogram];
    r.sample = {
      atMs: r.index * INTERVAL_MS,
      sent: r.sent,
      ...(r.started >= 0 ? { started: r.started } : {}),
      ...(r.lagP99Us >= 0 ? { lagP99Us: r.lagP99Us } : {}),
      dropped: r.dropped,
      ...(r.queueExpired > 0 ? { queueExpired: r.queueExpired } : {}),
      done: { new: { ...r.done.new }, reused: { ...r.done.reused } },
      latency:
        histogram === ''
          ? { ...EMPTY_SUMMARY }
          : (r.latency ?? summarizeWithSum(decodeHistogram(histogram), r.latencySumUs)),
      histogram,
      lagHistogram,
      okByPod: { ...r.okByPod },
      ...(Object.keys(r.okServiceUsByPod).length > 0 ? { okServiceUsByPod: { ...r.okServiceUsByPod } } : {}),
      ...(r.bucketParts.size > 0 ? { okServiceBucketsByPod: mergeBuckets(r.bucketParts) } : {}),
    };
    return r.sample;
  };
  return {
    add(p) {
      const r = get(p.index);
      r.sent += p.sent.keepalive + p.sent.fresh;
      if (p.started !== undefined) r.started = Math.max(r.started, 0) + p.started;
      if (p.lagP99Us !== undefined) r.lagP99Us = Math.max(r.lagP99Us, p.lagP99Us);
      r.dropped += p.dropped;
      // A request that expired in the queue is no longer in flight.
      const expired = p.queueExpired;
      r.queueExpired += expired;
      r.completed += expired;
      for (const use of ['new', 'reused'] as const) {
        for (const [kind, n] of Object.entries(p.done[use])) {
          const k = kind as keyof KindCounts;
          r.done[use][k] = (r.done[use][k] ?? 0) + n;
          r.completed += n;
        }
      }
      if (p.histogram !== '') {
        r.histParts.push(p.histogram);
        // One part with its live histogram: summarize now and keep no histogram object around.
        const live = p.live?.latency;
        const single = r.histParts.length === 1 && live;
        r.latency = single ? summarizeWithSum(live, p.sums.latencyUs) : null;
        r.live = single && r.index > last - LIVE_KEPT ? live : null;
      }
      r.latencySumUs += p.sums.latencyUs;
      if (p.lagHistogram !== '') r.lagParts.push(p.lagHistogram);
      for (const [pod, n] of Object.entries(p.okByPod)) r.okByPod[pod] = (r.okByPod[pod] ?? 0) + n;
      for (const [pod, us] of Object.entries(p.okServiceUsByPod)) r.okServiceUsByPod[pod] = (r.okServiceUsByPod[pod] ?? 0) + us;
      for (const [pod, c] of Object.entries(p.okServiceBucketsByPod ?? {})) {
        if (c.length === 0) continue;
        const parts = r.bucketParts.get(pod);
        if (parts === undefined) r.bucketParts.set(pod, [c]);
        else parts.push(c);
      }
      r.sample = null;
    },
    samples(fromIndex, toIndex, totalSent, totalCompleted) {
      // Walk back from the end: in flight at the end of interval i = sent(≤ i) − completed(≤ i).
      let sentUpTo = totalSent;
      let doneUpTo = totalCompleted;
      if (toIndex < last) {
        for (const [index, r] of recs) {
          if (index > toIndex) {
            sentUpTo -= r.sent;
            doneUpTo -= r.completed;
          }
        }
      }
      const out: IntervalSample[] = [];
      for (let i = toIndex; i >= fromIndex; i -= 1) {
        const r = recs.get(i) ?? get(i);
        const inFlight = Math.max(0, sentUpTo - doneUpTo);
        // A closed interval nothing late has reached is handed out as the same object again.
        if (r.full === null || r.sample === null || r.full.inFlight !== inFlight)
          r.full = { ...build(r), inFlight };
        out.push(r.full);
        sentUpTo -= r.sent;
        doneUpTo -= r.completed;
      }
      return out.reverse();
    },
    lastIndex: () => last,
    latencyOf(fromIndex, toIndex) {
      const h = createHistogram();
      for (let i = fromIndex; i <= toIndex; i += 1) {
        const r = recs.get(i);
        if (r === undefined) continue;
        if (r.live !== null) h.add(r.live);
        else mergeEncoded(r.histParts, h);
      }
      return h;
    },
  };
}

// Merged once per build; the parts collapse to the merged one, as the histograms' do.
function mergeBuckets(parts: Map<string, Compact[]>): Record<string, Compact> {
  const out: Record<string, Compact> = {};
  for (const [pod, list] of parts) {
    const merged = mergeCompact(list);
    parts.set(pod, [merged]);
    out[pod] = merged;
  }
  return out;
}

function joinParts(parts: string[]): string {
  if (parts.length === 0) return '';
  if (parts.length === 1) return parts[0] ?? '';
  return encodeHistogram(mergeEncoded(parts));
}
