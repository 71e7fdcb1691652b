// Hand-made LiveSnapshots for the dashboard's frame tests: each state of a run
// (no pods yet, rolling, SIGKILL with failures, finished) on a fixed clock.
import type { ClusterEvent } from '../../src/results/events.js';
import { createHistogram, encodeHistogram, recordUs } from '../../src/results/histogram.js';
import type { LiveSnapshot, LiveView } from '../../src/results/live.js';
import {
  RESULTS_SCHEMA,
  type FailureKind,
  type FailureRecord,
  type IntervalSample,
  type KindCounts,
  type Results,
  type Totals,
} from '../../src/results/types.js';

const EMPTY_LATENCY = { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0 };

/** interval builds one 100 ms sample: `ok` answers at `latencyUs`, plus failures by kind. */
export function interval(
  atMs: number,
  ok: number,
  failed: KindCounts = {},
  latencyUs = 2000,
  okByPod: Record<string, number> = {},
): IntervalSample {
  const h = createHistogram();
  for (let i = 0; i < ok; i++) recordUs(h, latencyUs + i * 10);
  const fails = Object.values(failed).reduce((a, b) => a + (b ?? 0), 0);
  return {
    atMs,
    sent: ok + fails,
    dropped: 0,
    done: { new: {}, reused: { ok, ...failed } },
    latency: EMPTY_LATENCY,
    histogram: encodeHistogram(h),
    lagHistogram: '',
    okByPod,
    inFlight: 3,
  };
}

/** steady makes `seconds` of intervals at 20 ok per 100 ms (200 req/s) ending at `endMs`. */
export function steady(
  endMs: number,
  seconds: number,
  failedAt: (atMs: number) => KindCounts = () => ({}),
): IntervalSample[] {
  const out: IntervalSample[] = [];
  for (let at = endMs - seconds * 1000; at < endMs; at += 100)
    out.push(interval(at, 20, failedAt(at)));
  return out;
}

/** failure makes one failure record ending at `atMs`. */
export function failure(atMs: number, kind: FailureKind, pod?: string): FailureRecord {
  return {
    intendedAtMs: atMs - 5,
    startAtMs: atMs - 5,
    endAtMs: atMs,
    latencyMs: 5,
    kind,
    connId: 'w0:c1',
    reused: true,
    population: 'keepalive',
    pod,
  };
}

/** totals makes run totals with `ok` and failures by kind. */
export function totals(ok: number, byKind: KindCounts = {}): Totals {
  const failed = Object.values(byKind).reduce((a, b) => a + (b ?? 0), 0);
  const conn = { completed: ok + failed, ok, failed, byKind: { ok, ...byKind } };
  return {
    sent: ok + failed,
    ok,
    failed,
    inFlightAtStop: 0,
    dropped: 0,
    byKind: { ok, ...byKind },
    byConn: { new: { completed: 0, ok: 0, failed: 0, byKind: {} }, reused: conn },
    byPopulation: {
      keepalive: { sent: ok + failed, ok, failed },
      fresh: { sent: 0, ok: 0, failed: 0 },
    },
    targetRatePerSec: 200,
    achievedRatePerSec: 200,
    latency: { ...EMPTY_LATENCY, p99Us: 4200 },
    lag: EMPTY_LATENCY,
  };
}

/** snapshot fills a LiveSnapshot with defaults for a local run at 200 req/s. */
export function snapshot(over: Partial<LiveSnapshot>): LiveSnapshot {
  return {
    nowMs: 0,
    startEpochMs: 1_700_000_000_000,
    mode: 'local',
    target: 'http://127.0.0.1:41234/',
    phase: 'baseline',
    targetRatePerSec: 200,
    totals: totals(0),
    recent: [],
    events: [],
    recentFailures: [],
    failuresByPod: {},
    okByPod: {},
    finished: false,
    ...over,
  };
}

/** staticView serves one snapshot forever. */
export function staticView(s: LiveSnapshot): LiveView {
  return { subscribe: () => () => undefined, snapshot: () => s };
}

const OLD_A = 'demo-5d8f7c9b6-a1b2c';
const OLD_B = 'demo-5d8f7c9b6-d3e4f';
const NEW_A = 'demo-7f6a4d2e1-x9y8z';

/** Pod names used by the fixtures. */
export const PODS = { OLD_A, OLD_B, NEW_A };

function created(pod: string, atMs: number, revision: string): ClusterEvent[] {
  return [
    { kind: 'pod-created', pod, atMs, revision },
    { kind: 'pod-started', pod, atMs: atMs + 50, pid: 100 },
    { kind: 'pod-ready', pod, atMs: atMs + 600 },
    { kind: 'endpoint-added', pod, atMs: atMs + 650 },
  ];
}

/** rollingEvents: two old pods ready, a rollout started, one new pod starting, one old pod got SIGTERM. */
export function rollingEvents(): ClusterEvent[] {
  return [
    ...created(OLD_A, 100, 'rev-1'),
    ...created(OLD_B, 120, 'rev-1'),
    { kind: 'rollout-started', atMs: 10_000, revision: 'rev-2', trigger: 'env ROLLCHECK_REV=2' },
    { kind: 'pod-created', pod: NEW_A, atMs: 10_050, revision: 'rev-2' },
    { kind: 'pod-started', pod: NEW_A, atMs: 10_100, pid: 200 },
    { kind: 'pod-ready', pod: NEW_A, atMs: 11_000 },
    { kind: 'rollout-progress', atMs: 11_000, replicas: 2, updated: 1, ready: 3, available: 2 },
    { kind: 'pod-terminating', pod: OLD_A, atMs: 11_100, graceMs: 3000 },
    { kind: 'endpoint-removed', pod: OLD_A, atMs: 11_150 },
    { kind: 'sigterm', pod: OLD_A, atMs: 11_200 },
  ];
}

/** killedEvents: rolling, then the old pod ignored SIGTERM and was SIGKILLed at the end of its grace. */
export function killedEvents(): ClusterEvent[] {
  return [
    ...rollingEvents(),
    { kind: 'sigkill', pod: OLD_A, atMs: 14_200 },
    {
      kind: 'exited',
      pod: OLD_A,
      atMs: 14_210,
      exitCode: 137,
      signal: 'SIGKILL',
      afterSigtermMs: 3010,
    },
  ];
}

/** finishedResults is a failed run's results for the final frame. */
export function finishedResults(s: LiveSnapshot): Results {
  return {
    schema: RESULTS_SCHEMA,
    meta: {
      tool: { name: 'rollcheck', version: '0.1.0' },
      command: 'local',
      mode: 'local',
      target: s.target,
      params: {},
      startedAt: new Date(s.startEpochMs).toISOString(),
      startEpochMs: s.startEpochMs,
      endedAt: new Date(s.startEpochMs + s.nowMs).toISOString(),
      durationMs: s.nowMs,
      warmupMs: 1000,
      intervalMs: 100,
      phases: [],
      interrupted: false,
      stopReason: 'completed',
      facts: {},
      warnings: [],
      notes: [],
      podLogs: {},
    },
    totals: s.totals,
    intervals: s.recent,
    failures: s.recentFailures,
    events: s.events,
    analysis: {
      windows: [
        { startMs: 14_200, endMs: 14_600, durationMs: 400, failures: 12, byKind: { reset: 12 } },
      ],
      totalOutageMs: 400,
      longestOutageMs: 400,
      attributions: [],
      findings: [
        {
          id: 'sigterm-ignored',
          severity: 'critical',
          title: 'demo-5d8f7c9b6-a1b2c ignored SIGTERM and was killed after its 3 s grace period',
          evidence: [],
          fix: 'exec the server from the entrypoint',
          pods: [OLD_A],
          failures: 12,
        },
      ],
      verdict: {
        pass: false,
        reasons: ['12 failed requests > max 0'],
        thresholds: { maxErrors: 0 },
      },
    },
  };
}
