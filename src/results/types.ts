// results/ owns the results model (rollcheck.results/v2): outcome kinds, finding
// ids, run modes and their styles, the cluster event vocabulary (events.ts), the
// JSON schema and validation, file I/O, the recorder (traffic + cluster events →
// Results and the live view) and the one histogram factory. It imports only the
// ground floor. This file is its entry: the Results type and its parts.
import type { ClusterEvent } from './events.js';

/** RESULTS_SCHEMA is the schema id and major version every results file written carries (file-format.ts reads v1 too). */
export const RESULTS_SCHEMA = 'rollcheck.results/v2';

/** INTERVAL_MS is the width of one aggregation interval. */
export const INTERVAL_MS = 100;

/** OUTCOME_KINDS lists how a request can end, in display order: the one list of outcome kinds. */
export const OUTCOME_KINDS = [
  'ok',
  'http_5xx',
  'http_4xx',
  'refused',
  'reset',
  'timeout',
  'closed_before_response',
  'dns',
  'other',
  // HTTP/2 and gRPC (issue 20): each stream's fate.
  'goaway_refused',
  'stream_refused',
  'stream_reset',
  'connection_closed',
  'grpc_error',
] as const;

/** OutcomeKind is how one request ended. */
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** FailureKind is every outcome kind but `ok`. */
export type FailureKind = Exclude<OutcomeKind, 'ok'>;

/** FAILURE_KINDS lists the failure kinds in display order. */
export const FAILURE_KINDS = OUTCOME_KINDS.filter((k): k is FailureKind => k !== 'ok');

/**
 * OutcomeLayer is where a request ended:
 * - `answer`: a server (the app, or a proxy in front of it) answered with a status;
 * - `transport`: the connection or stream failed under the request or never
 *   carried it, so nothing answered (what a pod going away does to requests);
 * - `resolve`: the host name never became an address.
 */
export type OutcomeLayer = 'answer' | 'transport' | 'resolve';

/**
 * OutcomeKindTraits is what one outcome kind is: its meaning and the properties
 * the analysis, report and dashboard read (never a hand-written list of kinds).
 * Kinds of other protocols fit the same properties: a stream refused by GOAWAY
 * is `transport`, not `cut` (never carried); a stream reset by RST_STREAM or a
 * connection closed with streams open is `transport` and `cut`; a gRPC status
 * other than 0 is an `answer`.
 */
export interface OutcomeKindTraits {
  /** meaning says in one line what the kind means and where to look. */
  meaning: string;
  layer: OutcomeLayer;
  /**
   * cut: an open connection (or stream) ended under the request before any
   * answer. On a reused connection that is what a client that retries idempotent
   * requests retries, and what a proxy closing its client connections produces.
   */
  cut: boolean;
  /**
   * neverProcessed: the server said it never processed the request (an HTTP/2
   * stream refused, or above a GOAWAY's last-stream-id), so a standard HTTP/2 or
   * gRPC client retries it without the application seeing it. Absent: false.
   */
  neverProcessed?: true;
}

/** OUTCOME_TRAITS is the one table of what each outcome kind means and is; a new kind must state its traits here. */
export const OUTCOME_TRAITS: Readonly<Record<OutcomeKind, OutcomeKindTraits>> = {
  ok: { meaning: 'answered with a 1xx-3xx status', layer: 'answer', cut: false },
  http_5xx: {
    meaning:
      'answered 5xx, by the app or by a proxy in front of it (a 502/503/504 naming no pod is usually the proxy losing its upstream): see who answered, then that pod\'s or proxy\'s logs',
    layer: 'answer',
    cut: false,
  },
  http_4xx: { meaning: 'the app answered 4xx: the request is wrong for this server (path, auth, headers)', layer: 'answer', cut: false },
  refused: {
    meaning: 'connection refused: nothing listened at the address (a pod gone or not yet listening)',
    layer: 'transport',
    cut: false,
  },
  reset: {
    meaning: 'connection reset or closed mid-request: a process died or closed the socket under the request',
    layer: 'transport',
    cut: true,
  },
  timeout: {
    meaning: 'no answer in time (connect, headers or body): a stalled or SIGSTOPped process, or a black-holed endpoint',
    layer: 'transport',
    cut: false,
  },
  closed_before_response: {
    meaning:
      'the server closed a reused keep-alive connection before answering: an app closing idle connections at shutdown without draining, or a process killed with the connection open',
    layer: 'transport',
    cut: true,
  },
  dns: { meaning: 'the host name did not resolve', layer: 'resolve', cut: false },
  // An error the client could not classify is taken for the transport's: it is no answer from the server.
  other: { meaning: 'an error rollcheck does not classify: see the error code and message', layer: 'transport', cut: false },
  goaway_refused: {
    meaning:
      'HTTP/2 stream above the last-stream-id of a GOAWAY the server sent: never processed (a standard gRPC client retries it unseen); a server shutting down while clients still open streams',
    layer: 'transport',
    cut: false,
    neverProcessed: true,
  },
  stream_refused: {
    meaning:
      'HTTP/2 stream reset with REFUSED_STREAM before any answer: never processed (a standard gRPC client retries it unseen); a server refusing new work while it stops',
    layer: 'transport',
    cut: false,
    neverProcessed: true,
  },
  stream_reset: {
    meaning:
      'HTTP/2 stream reset by the server (RST_STREAM, its code in the error code) after it started: the request may have been processed; an app cancelling in-flight work at shutdown',
    layer: 'transport',
    cut: true,
  },
  connection_closed: {
    meaning:
      'the HTTP/2 connection closed with the stream open, without a GOAWAY or before finishing a stream its GOAWAY promised: a process killed or exiting without draining; the request may have been processed',
    layer: 'transport',
    cut: true,
  },
  grpc_error: {
    meaning:
      "the gRPC call ended with a grpc-status other than 0 (its name in the error code, grpc-message in the message): UNAVAILABLE from a draining server or a proxy without upstream, or the app's own error",
    layer: 'answer',
    cut: false,
  },
};

/** NEVER_PROCESSED_KINDS are the failures a standard HTTP/2 or gRPC client retries transparently: counted apart as hidden by that retry, never as ok. */
export const NEVER_PROCESSED_KINDS: ReadonlySet<OutcomeKind> = new Set(OUTCOME_KINDS.filter((k) => OUTCOME_TRAITS[k].neverProcessed === true));

/** ConnUse says whether a request went out on a new connection or a reused keep-alive one. */
export type ConnUse = 'new' | 'reused';

/** Population is the client population a request came from: reused keep-alive connections and fresh ones fail differently at shutdown, so both are needed. */
export type Population = 'keepalive' | 'fresh';

/** KindCounts counts outcomes by kind; absent kinds are zero. */
export type KindCounts = Partial<Record<OutcomeKind, number>>;

/** Phase is the part of a run a moment belongs to. */
export type Phase =
  'warmup' | 'baseline' | 'rollout' | 'cooldown' | 'steady' | 'scenario' | 'stopping';

/** FailureRecord is one failed request, kept individually. Times are ms since run start. */
export interface FailureRecord {
  intendedAtMs: number;
  startAtMs: number;
  endAtMs: number;
  /** latencyMs measured from the intended send time (no coordinated omission). */
  latencyMs: number;
  kind: FailureKind;
  status?: number;
  errorCode?: string;
  message?: string;
  /** connId is unique within a run ("w0:c12": worker 0, connection 12). */
  connId: string;
  reused: boolean;
  population: Population;
  /** pod is the --pod-header value last seen on this connection, if any. */
  pod?: string;
  /** runner is the index of the runner that sent it, when the traffic came from `--runners N`. */
  runner?: number;
  /** method is the request's HTTP method (set when the run sent a --mix of methods, or any non-GET). */
  method?: string;
  /** answeredBy says who wrote an HTTP failure: the app, or a proxy recognised by its headers or body signature. */
  answeredBy?: AnsweredBy;
  /** server and via are the response's `server` / `via` headers (HTTP failures only). */
  server?: string;
  via?: string;
  /** upstream is the proxy's upstream-address header ("a, b" when it retried), as received. */
  upstream?: string;
  /** streamId is the HTTP/2 stream that carried it (HTTP/2 and gRPC runs; absent when no stream was opened). */
  streamId?: number;
}

/** AnsweredBy is who wrote an HTTP answer: the app itself, or a proxy in front of it. */
export type AnsweredBy = 'app' | 'nginx' | 'envoy' | 'haproxy' | 'awselb' | 'google' | 'traefik';

/** ANSWERED_BY lists every AnsweredBy value. */
export const ANSWERED_BY: readonly AnsweredBy[] = ['app', 'nginx', 'envoy', 'haproxy', 'awselb', 'google', 'traefik'];

/** RetriedRecord is one request a proxy answered only after retrying it on another upstream ("saved by a retry"). */
export interface RetriedRecord {
  /** startAtMs is when the request was handed to a connection: a pod that exited before it only refused it. */
  startAtMs: number;
  endAtMs: number;
  method: string;
  /** upstream is the proxy's upstream-address header: every address it tried, the last one answered. */
  upstream: string;
  status: number;
  population: Population;
}

/** MethodTotals counts one method's completions. */
export interface MethodTotals {
  ok: number;
  failed: number;
}

/** LatencySummary is a few quantiles of one histogram, in µs. */
export interface LatencySummary {
  count: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
}

/** IntervalSample aggregates one INTERVAL_MS of traffic; completions are counted in the interval they end in. */
export interface IntervalSample {
  atMs: number;
  /** sent is requests dispatched in this interval. */
  sent: number;
  /** started is requests handed to a connection in this interval: the actual send rate (absent in older files). */
  started?: number;
  /** lagP99Us is the p99 scheduling lag (µs) of the requests started in this interval, of the worst source (worker or runner). */
  lagP99Us?: number;
  dropped: number;
  /** queueExpired is requests that never got a connection within --timeout (the generator's shortfall). */
  queueExpired?: number;
  /** completions by kind, split by whether the connection was new or reused. */
  done: Record<ConnUse, KindCounts>;
  /** latency of ok responses completing in this interval. */
  latency: LatencySummary;
  /** histogram is the encoded HDR histogram (µs) of ok latencies (see results/histogram.ts). */
  histogram: string;
  /** lagHistogram is the encoded HDR histogram (µs) of scheduling lag: actual start − intended. */
  lagHistogram: string;
  /** okByPod counts ok answers by the pod that named itself in --pod-header. */
  okByPod: Record<string, number>;
  /** okServiceUsByPod sums ok service times (µs) by pod: with okByPod, each pod's mean service time. */
  okServiceUsByPod?: Record<string, number>;
  /**
   * okServiceBucketsByPod is each pod's distribution of ok service times (end − start):
   * log buckets, ten a decade, as [first bucket, count, count, …] (results/service-buckets.ts).
   * Absent in files written before it existed: the analysis then has only each pod's mean.
   */
  okServiceBucketsByPod?: Record<string, number[]>;
  /** inFlight is requests outstanding at the end of the interval. */
  inFlight: number;
}

/** ConnTotals is the totals of one connection use (new or reused). */
export interface ConnTotals {
  completed: number;
  ok: number;
  failed: number;
  byKind: KindCounts;
}

/** Totals is the whole run, after warm-up. Invariant: sent = ok + failed + queueExpired + inFlightAtStop. */
export interface Totals {
  sent: number;
  ok: number;
  failed: number;
  /** inFlightAtStop is derived from the books: sent − ok − failed − queueExpired. */
  inFlightAtStop: number;
  /** inFlightCounted is the engine's own count of its outstanding requests at stop; must equal inFlightAtStop. */
  inFlightCounted?: number;
  dropped: number;
  /**
   * queueExpired is requests that waited --timeout for a free connection and never
   * got one: the generator could not carry the rate (too few --connections). Like
   * `dropped`, the generator's shortfall, never a failure of the target.
   */
  queueExpired?: number;
  byKind: KindCounts;
  byConn: Record<ConnUse, ConnTotals>;
  byPopulation: Record<Population, { sent: number; ok: number; failed: number }>;
  /** targetRatePerSec is the intended rate. */
  targetRatePerSec: number;
  /**
   * achievedRatePerSec is by actual send times: requests handed to a connection
   * in the whole intervals of the recorded span, per second (files before
   * `started` existed: sent over the span).
   */
  achievedRatePerSec: number;
  latency: LatencySummary;
  lag: LatencySummary;
  /** generator is each traffic source's own load and lag, when the engines reported it. */
  generator?: GeneratorLoad;
  /** service is ok service time (end − actual start), i.e. latency without scheduling lag. */
  service?: LatencySummary;
  /** byMethod counts completions by HTTP method (present when the engine recorded methods). */
  byMethod?: Record<string, MethodTotals>;
  /** savedByRetry counts requests a proxy answered only after retrying another upstream. */
  savedByRetry?: number;
  /** connections counts the HTTP/2 and gRPC connections: kept in `Results.connections`, and the fresh ones not kept. */
  connections?: ConnectionTotals;
  /**
   * hiddenByStandardClient counts the failures a standard HTTP/2 or gRPC client
   * would have retried transparently (never processed: NEVER_PROCESSED_KINDS),
   * in all and by pod. They stay failures in every other figure, never ok
   * (HTTP/2 and gRPC runs, and any run that met such a failure).
   */
  hiddenByStandardClient?: HiddenCount;
}

/** HiddenCount counts failures in all and by the pod last seen on their connection ('' when none was named). */
export interface HiddenCount {
  total: number;
  byPod: Record<string, number>;
}

/**
 * ConnectionTotals counts a run's HTTP/2 connections. Every keep-alive
 * connection is kept; the fresh population opens one per request, so of it only
 * the connections that got a GOAWAY or closed with streams open are kept, and
 * the rest (closed cleanly after their one stream) are counted by pod.
 */
export interface ConnectionTotals {
  /** kept is how many are in `Results.connections`. */
  kept: number;
  /** freshOmitted is how many fresh connections closed cleanly and were not kept. */
  freshOmitted: number;
  /** freshOmittedByPod counts them by the pod they reached ('' when none was named). */
  freshOmittedByPod: Record<string, number>;
}

/** GeneratorLoad is how hard the traffic's own sources worked: one entry per worker thread or runner. */
export interface GeneratorLoad {
  /** sourceKind says whether the sources are worker threads of this process or runners (`--runners N`). */
  sourceKind: 'worker' | 'runner';
  /** cores is how many cores this process could run on (runners: each runner's own machine is not known). */
  cores: number;
  sources: GeneratorSource[];
}

/** GeneratorSource is one worker's or runner's own figures over the recorded span. */
export interface GeneratorSource {
  index: number;
  /** eventLoopUtilization is the share of the span its event loop was busy (0..1). */
  eventLoopUtilization: number;
  /** cpuPercent is its process's mean CPU (100 = one core). */
  cpuPercent: number;
  /** lagP99Us is its worst interval's p99 scheduling lag, from the recording start (its backlog sent after the span included). */
  lagP99Us: number;
  /** behindMs is how much of the span it was over the bound (100 ms) behind, reaching back from each late interval by its p99 lag. */
  behindMs: number;
  /** started is what it handed to a connection in the span (its actual sends), for the capacity estimate. */
  started: number;
  /** stallMs is its event loop's longest block in the span (the gap between two of its batches past their 100 ms period); stallAtMs is when it began. */
  stallMs: number;
  stallAtMs: number;
}

/** PhaseMark is when a phase began. */
export interface PhaseMark {
  phase: Phase;
  atMs: number;
}

/** RUN_MODES lists what a run's traffic can go at: the one list of run modes. */
export const RUN_MODES = ['load', 'local', 'kube', 'scenario'] as const;

/** RunMode is what a run's traffic went at: a plain URL, the embedded runtime, a cluster, or a scenario. */
export type RunMode = (typeof RUN_MODES)[number];

/** WorkloadRef names the workload a run rolled: its kind ('deployment', …) and name. */
export interface WorkloadRef {
  kind: string;
  name: string;
}

/**
 * ClusterTarget is what a run's pods ran on: the driver by its registry name
 * ('local', 'kube', …), the workload it rolled where the driver names one, and
 * whether PID 1 was read through the driver (kube's --inspect-pid1).
 */
export interface ClusterTarget {
  driver: string;
  workload?: WorkloadRef;
  inspectPid1?: boolean;
  /** pid1OnRequest: this driver reads PID 1 only when the run asks (a cluster, through pods/exec), so a finding can say how to ask; absent: it always reads it, or the file predates the field. */
  pid1OnRequest?: boolean;
  /** trafficPolicy: the Service routes node-locally (internal/externalTrafficPolicy: Local) and traffic entered on `node`. */
  trafficPolicy?: { node: string };
}

/** RunMeta describes the run: enough to reproduce it, never a credential. */
export interface RunMeta {
  tool: { name: 'rollcheck'; version: string };
  command: string;
  mode: RunMode;
  target: string;
  params: Record<string, unknown>;
  startedAt: string;
  startEpochMs: number;
  endedAt: string;
  durationMs: number;
  warmupMs: number;
  /** recordedFromMs is when counted traffic began (the end of the warm-up), ms since start. */
  recordedFromMs?: number;
  /** recordedToMs is where the traffic schedule ended (before in-flight requests drained), ms since start. */
  recordedToMs?: number;
  intervalMs: number;
  phases: PhaseMark[];
  interrupted: boolean;
  /** stopReason says why the run ended ("completed", "interrupted", "rollout failed: …"). */
  stopReason: string;
  /** cluster is what the pods ran on, for every run with a driver (absent for `load` and in files written before it). */
  cluster?: ClusterTarget;
  /** facts the driver found about the target (replicas, grace period, …). */
  facts: Record<string, string | number | boolean | null>;
  warnings: string[];
  notes: string[];
  /** pods: each pod's log file, where the driver keeps one. */
  podLogs: Record<string, string>;
  /** runners: the traffic's runners and what each sent, when it came from `--runners N`. */
  runners?: RunnerSummary[];
}

/**
 * RunnerSummary is one runner of a `--runners N` run: its share, its own
 * accounting (sent = ok + failed + inFlightAtStop), whether its share was lost
 * from some moment on, and its clock offset from the coordinator.
 */
export interface RunnerSummary {
  index: number;
  /** name is the runner's pod, or its process id for local runners. */
  name: string;
  ratePerSec: number;
  sent: number;
  ok: number;
  failed: number;
  inFlightAtStop: number;
  status: 'finished' | 'lost';
  /** lostFromMs is when its share stopped being sent or seen (run clock); lostReason says why. */
  lostFromMs?: number;
  lostReason?: string;
  /** clock: the runner's clock minus the coordinator's, and the half-width of the interval it is known within. */
  clock: { offsetMs: number; uncertaintyMs: number; method: string };
}

/** OutageWindow is a maximal span where failures dominate traffic (see analysis/windows.ts). */
export interface OutageWindow {
  startMs: number;
  endMs: number;
  durationMs: number;
  failures: number;
  byKind: KindCounts;
  /** pods the window's failures were attributed to. */
  pods?: string[];
}

/** Attribution links one failure (by index into `failures`) to the pod and event most likely behind it. */
export interface Attribution {
  failure: number;
  pod?: string;
  /**
   * how: `upstream` = by the proxy's upstream-address header (a proxied failure);
   * `ambiguous` = a terminating pod still routed and a new pod gone not-ready could each explain it: pinned on neither.
   */
  how: AttributionHow;
  event?: { kind: string; pod?: string; atMs: number };
  deltaMs?: number;
  text: string;
  /** cause is the finding this failure counts towards, when one does. */
  cause?: FindingId;
}

/** ATTRIBUTION_HOWS lists how a failure can be attributed: the one list of `Attribution.how` values. */
export const ATTRIBUTION_HOWS = ['connection', 'termination-window', 'startup-window', 'none', 'upstream', 'ambiguous'] as const;

/** AttributionHow is how a failure was attributed (see Attribution.how). */
export type AttributionHow = (typeof ATTRIBUTION_HOWS)[number];

/** FINDING_IDS lists every kind of finding: the one list of finding ids. */
export const FINDING_IDS = [
  'sigterm-ignored',
  'no-prestop-drain',
  'keepalive-reset',
  'sidecar-exited-first',
  'not-ready-traffic',
  'unrelated-errors',
  'rollout-failed',
  'watch-lost',
  'grace-too-short',
  'prestop-exceeds-grace',
  'pod-crashed',
  'slow-start',
  'upstream-keepalive-reset',
  'no-ready-endpoints',
  'ingress-lag',
  'ingress-reload',
  'no-pdb',
  'stable-scaled-down-early',
  'weight-before-ready',
  'abort-drops',
  'no-surge-capacity',
  'node-local-gap',
  // HTTP/2 and gRPC (issue 21).
  'no-graceful-stop',
  'goaway-race',
  'graceful-stop-exceeds-grace',
  'connection-pinning',
] as const;

/** FindingId names each kind of finding. */
export type FindingId = (typeof FINDING_IDS)[number];

/** Finding is one diagnosed mistake with its evidence and a fix. */
export interface Finding {
  id: FindingId;
  severity: 'critical' | 'warning' | 'info';
  title: string;
  evidence: string[];
  fix: string;
  pods: string[];
  failures: number;
  /** data holds finding-specific figures (e.g. keepalive-reset: hiddenByRetry, seenWithoutRetry). */
  data?: Record<string, number | string | boolean>;
}

/** Thresholds are the verdict's limits; absent means not checked. */
export interface Thresholds {
  maxErrors?: number;
  maxErrorRate?: number;
  maxP99Ms?: number;
  maxOutageMs?: number;
  /** strictStreams (--strict-streams): the verdict counts the streams a server never processed too (see Verdict.uncounted). */
  strictStreams?: boolean;
}

/** UncountedStreams is what an HTTP/2 or gRPC run's verdict left out: the never-processed streams, and the longest outage without them. */
export interface UncountedStreams {
  /** neverProcessed: failures of NEVER_PROCESSED_KINDS (above a GOAWAY's last-stream-id, REFUSED_STREAM), which a standard client retries unseen. */
  neverProcessed: number;
  /** longestOutageMs: the longest outage window of the failures that were counted, judged by --max-outage. */
  longestOutageMs: number;
}

/** Verdict is pass or fail, with the reasons. */
export interface Verdict {
  pass: boolean;
  reasons: string[];
  /**
   * inconclusive is set (and pass is false) when the run cannot judge the rollout:
   * the generator fell short of its rate, or the baseline already failed. Exit code 3.
   */
  inconclusive?: string;
  /** generatorBehind is the one line saying the generator fell behind its schedule, with its figures and the fix. */
  generatorBehind?: string;
  /** latencyBasis says what --max-p99 was judged on: service time when the generator's lag was high, else latency from the intended send. */
  latencyBasis?: 'latency' | 'service';
  thresholds: Thresholds;
  /**
   * uncounted: the streams the verdict did not count as failures (--max-errors,
   * --max-error-rate, --max-outage): refused before the server processed them,
   * which a standard HTTP/2 or gRPC client retries unseen; absent when there
   * were none or with --strict-streams. They stay failures in every figure.
   */
  uncounted?: UncountedStreams;
}

/** Analysis is everything derived from a run; a pure function of the rest of the results. */
export interface Analysis {
  windows: OutageWindow[];
  totalOutageMs: number;
  longestOutageMs: number;
  attributions: Attribution[];
  findings: Finding[];
  verdict: Verdict;
  /** warnings say where the analysis had to guess (no pod header seen, unknown pod names). */
  warnings?: string[];
  /** attributionsOmitted counts failures past the stored cap that have no Attribution entry. */
  attributionsOmitted?: number;
  /** rolloutSteps is each step of a progressive rollout (Argo Rollouts canary or blue-green) with its own verdict; absent without one. */
  rolloutSteps?: RolloutSegment[];
}

/** StepVerdict is one scenario step's verdict: the thresholds applied to the failures within its time span. */
export interface StepVerdict {
  index: number;
  step: string;
  /** startMs..endMs is the step's span: from its start to the next action step's start (waits fold in). */
  startMs: number;
  endMs: number;
  /** ok is false when the step itself failed (rollout failed, command exited non-zero). */
  ok: boolean;
  error?: string;
  failures: number;
  completed: number;
  pass: boolean;
  reasons: string[];
  /** uncounted: the step's failures its verdict left out, as the run's verdict does (Verdict.uncounted). */
  uncounted?: UncountedStreams;
  /** seenLate: the cluster's watch showed a later step first; this one began at an unknown moment before startMs (an empty span). */
  seenLate?: boolean;
}

/** ScenarioOutcome is the per-step verdicts of a `rollcheck scenario` run and the overall pass. */
export interface ScenarioOutcome {
  name: string;
  file: string;
  steps: StepVerdict[];
  pass: boolean;
}

/** ConnectionGoaway is one GOAWAY frame a traffic connection received. */
export interface ConnectionGoaway {
  atMs: number;
  /** errorCode is the HTTP/2 error code's name (NO_ERROR, ENHANCE_YOUR_CALM, …). */
  errorCode: string;
  /** lastStreamId is the highest stream id the server says it processed or may process; streams above it were never processed. */
  lastStreamId: number;
  debugData?: string;
  /** streamsOpen is how many of this connection's streams were still open when it arrived. */
  streamsOpen: number;
}

/**
 * ConnectionRecord is one HTTP/2 (or gRPC) traffic connection's life as the
 * client saw it: when it opened and closed, the pod it was pinned to (its first
 * answer's --pod-header, else the peer address), how many streams it carried,
 * and every GOAWAY it got. Times are ms since the run's start.
 */
export interface ConnectionRecord {
  connId: string;
  population: Population;
  openedAtMs: number;
  /** closedAtMs is absent when the connection was still open at stop. */
  closedAtMs?: number;
  peer?: string;
  pod?: string;
  /** streams is how many requests the connection carried. */
  streams: number;
  goaways: ConnectionGoaway[];
  /** streamsOpenAtClose is how many streams were still open when it closed (cut with it unless a GOAWAY refused them). */
  streamsOpenAtClose?: number;
  /** closeError is the socket error it closed with, if any. */
  closeError?: string;
}

/** Results is one run, as written to and read from a results file (file-format.ts: v2 packs failures and attributions). */
export interface Results {
  schema: typeof RESULTS_SCHEMA;
  meta: RunMeta;
  totals: Totals;
  intervals: IntervalSample[];
  failures: FailureRecord[];
  events: ClusterEvent[];
  analysis: Analysis | null;
  /** scenario is present for `rollcheck scenario` runs: the per-step verdicts. */
  scenario?: ScenarioOutcome;
  /** retried is every request a proxy answered only after retrying another upstream, by end time. */
  retried?: RetriedRecord[];
  /** connections is every HTTP/2 and gRPC traffic connection's life (absent for HTTP/1.1 runs and in older files). */
  connections?: ConnectionRecord[];
}

/**
 * RolloutSegment is one step of a progressive rollout judged on its own: the
 * run's thresholds applied to the requests that ended from the step's start to
 * the next step's (the last step's runs to the end of the run), its outage,
 * and the causes of its failures.
 */
export interface RolloutSegment {
  strategy: 'canary' | 'blue-green';
  index: number;
  step: string;
  action: string;
  /** weight is the new revision's share of traffic the step aims at, in percent. */
  weight: number;
  startMs: number;
  endMs: number;
  completed: number;
  failures: number;
  /** longestOutageMs is the longest part of an outage window inside the step; windows counts those that touch it. */
  longestOutageMs: number;
  windows: number;
  /** causes counts the step's failures by the finding they count towards. */
  causes: Partial<Record<FindingId, number>>;
  pass: boolean;
  reasons: string[];
  /** uncounted: the step's failures its verdict left out, as the run's verdict does (Verdict.uncounted). */
  uncounted?: UncountedStreams;
  /** seenLate: the cluster's watch showed a later step first; this one began at an unknown moment before startMs (an empty span). */
  seenLate?: boolean;
}
