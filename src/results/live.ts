import type { ClusterEvent } from './events.js';
import type { Histogram } from './histogram.js';
import type { GeneratorLive } from './generator-load.js';
import type { FailureRecord, GeneratorLoad, IntervalSample, Phase, RunMode, Totals } from './types.js';

/**
 * LiveView is the recorder's read side for the dashboard and progress lines:
 * `subscribe` returns its unsubscribe; `snapshot` is cheap and consistent.
 * Listeners are told at most once per interval, never per request.
 */
export interface LiveView {
  subscribe(listener: () => void): () => void;
  snapshot(): LiveSnapshot;
  /** latencyOf, where offered, is the latency of the intervals starting in [fromMs, toMs] as one live histogram (no decoding). */
  latencyOf?(fromMs: number, toMs: number): Histogram;
}

/** LiveSnapshot is the run so far. */
export interface LiveSnapshot {
  nowMs: number;
  startEpochMs: number;
  mode: RunMode;
  target: string;
  phase: Phase;
  targetRatePerSec: number;
  /** totals so far (recorded traffic only, warm-up excluded). */
  totals: Totals;
  /** the last 60 s of intervals, oldest first. */
  recent: IntervalSample[];
  /** every cluster event so far. */
  events: ClusterEvent[];
  /** the last 200 failures, oldest first. */
  recentFailures: FailureRecord[];
  /** failures so far by the pod they were attributed to on the connection. */
  failuresByPod: Record<string, number>;
  /** ok answers so far by pod. */
  okByPod: Record<string, number>;
  /** set once the run is over. */
  finished: boolean;
  /** generator is each worker's or runner's own load over its last second (absent before any reported). */
  generator?: { sourceKind: GeneratorLoad['sourceKind']; sources: GeneratorLive[] };
  /** runners, when the traffic comes from `--runners N`: one row each, as the merge sees it. */
  runners?: RunnerLive[];
  /** connectionNotes are the last GOAWAYs and connections closed with streams open (HTTP/2 and gRPC runs), oldest first. */
  connectionNotes?: ConnectionNote[];
}

/** ConnectionNote is one HTTP/2 connection event worth a line in the log: a GOAWAY, or a close that cut open streams. */
export interface ConnectionNote {
  atMs: number;
  kind: 'goaway' | 'cut';
  connId: string;
  /** pod is the pod the connection is pinned to, when known by then. */
  pod?: string;
  /** code is the GOAWAY's error code name, or the socket error a cut connection closed with. */
  code?: string;
  /** streams is how many streams were open: at the GOAWAY, or at the close (cut by it). */
  streams: number;
}

/** RunnerLive is one runner during the run: its share, what it sent and how it ended so far. */
export interface RunnerLive {
  index: number;
  name: string;
  ratePerSec: number;
  /** sentPerSec is over the last second it reported. */
  sentPerSec: number;
  sent: number;
  ok: number;
  failed: number;
  lost: boolean;
}
