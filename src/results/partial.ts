import type { Histogram } from './histogram.js';
import type { Compact } from './service-buckets.js';
import type { AnsweredBy, ConnectionRecord, ConnUse, FailureRecord, KindCounts, MethodTotals, OutcomeKind, Population, RetriedRecord } from './types.js';

/**
 * TrafficPartial is one traffic source's share of one interval: what a worker
 * thread (or the in-process engine) hands the recorder. Plain data with
 * encoded histograms, so it crosses threads and merges exactly.
 */
export interface TrafficPartial {
  /** index is the interval number: floor(atMs / INTERVAL_MS). */
  index: number;
  /** sent counts requests scheduled in this interval (not dropped), by population. */
  sent: Record<Population, number>;
  dropped: number;
  /** started counts requests handed to a connection in this interval: the actual sends, by actual send time. */
  started?: number;
  /** lagP99Us is the p99 scheduling lag (µs) of this source's requests started in this interval. */
  lagP99Us?: number;
  /**
   * queueExpired counts requests that waited --timeout for a free connection and
   * never got one: the generator's own shortfall, not a failure of the target.
   */
  queueExpired: number;
  /** done counts completions ending in this interval, by connection use and kind. */
  done: Record<ConnUse, KindCounts>;
  /** donePop counts completions by population: ok and failed. */
  donePop: Record<Population, { ok: number; failed: number }>;
  /** histogram is the encoded µs histogram of ok latency from the intended send time. */
  histogram: string;
  /** lagHistogram is the encoded µs histogram of scheduling lag (start − intended), every request. */
  lagHistogram: string;
  /** serviceHistogram is the encoded µs histogram of ok service time (end − start). */
  serviceHistogram: string;
  /** sums of the recorded values (µs) of the three histograms, for exact means without iterating them. */
  sums: { latencyUs: number; lagUs: number; serviceUs: number };
  /**
   * live holds the histograms themselves when the partial stays in the thread
   * that made it: the recorder then adds them without decoding. Never sent
   * across threads (a worker's partials carry the encoded strings only).
   */
  live?: { latency: Histogram | null; lag: Histogram | null; service: Histogram | null };
  okByPod: Record<string, number>;
  /** okServiceUsByPod sums the service time (end − start, µs) of ok answers by pod: each pod's mean with okByPod. */
  okServiceUsByPod: Record<string, number>;
  /** okServiceBucketsByPod is each pod's distribution of ok service times (service-buckets.ts, compact form). */
  okServiceBucketsByPod?: Record<string, Compact>;
  failures: FailureRecord[];
  /** byMethod counts completions by method (absent from partials of engines that do not record methods). */
  byMethod?: Record<string, MethodTotals>;
  /** retried holds the requests a proxy answered only after retrying another upstream. */
  retried?: RetriedRecord[];
}

/** TrafficBatch is what one source sends about every 100 ms: the intervals it closed, and how far it has closed. */
export interface TrafficBatch {
  source: number;
  partials: TrafficPartial[];
  /** closedBefore: the source will send nothing more for intervals below this index. */
  closedBefore: number;
  /** load is how busy the source's thread and process were since its last batch (absent from older runners). */
  load?: LoadSample;
  /** connections is what the source learnt of its HTTP/2 connections since its last batch (absent: nothing, or HTTP/1.1). */
  connections?: ConnectionUpdate;
}

/** ConnectionUpdate is what one traffic source learnt of its HTTP/2 (and gRPC) connections since its last batch. */
export interface ConnectionUpdate {
  /** records were opened, changed or closed since then; a later record of a connId replaces the earlier one. */
  records: ConnectionRecord[];
  /** freshOmittedByPod counts fresh connections that closed cleanly (no GOAWAY, no stream open) and are not kept, by pod ('' for none). */
  freshOmittedByPod?: Record<string, number>;
}

/** LoadSample is one traffic source's own load over a window: its event loop and its process's CPU. */
export interface LoadSample {
  /** windowMs is the span measured, ending when the batch was made. */
  windowMs: number;
  /** eventLoopUtilization is the share of the window the source's event loop was busy (0..1, `performance.eventLoopUtilization()`). */
  eventLoopUtilization: number;
  /** cpuPercent is the source's whole process's CPU over the window (100 = one core). */
  cpuPercent: number;
}

/** RequestOutcome is one finished request as the engine sees it: all the recorder takes from traffic/ (the seam between them, see ARCHITECTURE.md). */
export interface RequestOutcome {
  intendedAtMs: number;
  startAtMs: number;
  endAtMs: number;
  kind: OutcomeKind;
  status?: number;
  errorCode?: string;
  message?: string;
  connId: string;
  reused: boolean;
  population: Population;
  pod?: string;
  /** method, answeredBy, server, via and upstream: see FailureRecord (front-door fields, all optional). */
  method?: string;
  answeredBy?: AnsweredBy;
  server?: string;
  via?: string;
  upstream?: string;
  /** streamId is the HTTP/2 stream that carried it (0 or absent: none). */
  streamId?: number;
}

/** emptyPartial makes a partial with nothing in it for interval `index`. */
export function emptyPartial(index: number): TrafficPartial {
  return {
    index,
    sent: { keepalive: 0, fresh: 0 },
    dropped: 0,
    started: 0,
    queueExpired: 0,
    done: { new: {}, reused: {} },
    donePop: { keepalive: { ok: 0, failed: 0 }, fresh: { ok: 0, failed: 0 } },
    histogram: '',
    lagHistogram: '',
    serviceHistogram: '',
    sums: { latencyUs: 0, lagUs: 0, serviceUs: 0 },
    okByPod: {},
    okServiceUsByPod: {},
    failures: [],
  };
}
