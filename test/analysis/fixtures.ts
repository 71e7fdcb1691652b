// Builders for results objects in analysis and report tests: steady traffic at a
// fixed rate with chosen failures and cluster events, no clock involved.
import type { ClusterEvent, Pid1Facts } from '../../src/results/events.js';
import type {
  FailureKind,
  FailureRecord,
  IntervalSample,
  Population,
  Results,
  Totals,
} from '../../src/results/types.js';
import { INTERVAL_MS, RESULTS_SCHEMA } from '../../src/results/types.js';

/** fail makes one failure observed at `atMs` (intended 1 ms earlier). */
export function fail(
  atMs: number,
  kind: FailureKind,
  extra: Partial<FailureRecord> & { reused?: boolean; population?: Population } = {},
): FailureRecord {
  return {
    intendedAtMs: atMs - 1,
    startAtMs: atMs - 1,
    endAtMs: atMs,
    latencyMs: 1,
    kind,
    connId: extra.connId ?? `w0:c${Math.round(atMs)}`,
    reused: extra.reused ?? false,
    population: extra.population ?? (extra.reused ? 'keepalive' : 'fresh'),
    ...extra,
  };
}

const EMPTY_LATENCY = { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0 };

/** ResultsSpec describes a synthetic run. */
export interface ResultsSpec {
  ratePerSec?: number;
  durationMs?: number;
  failures?: FailureRecord[];
  events?: ClusterEvent[];
  method?: string;
  stopReason?: string;
  p99Ms?: number;
  /** podTraffic: pods that answer an equal share of the ok requests in [fromMs, toMs) (okByPod). */
  podTraffic?: Array<{ pod: string; fromMs?: number; toMs?: number }>;
}

/**
 * makeResults builds a run with steady traffic at `ratePerSec` for `durationMs`:
 * every slot that has no failure counts as ok in its interval.
 */
export function makeResults(spec: ResultsSpec = {}): Results {
  const rate = spec.ratePerSec ?? 100;
  const durationMs = spec.durationMs ?? 10_000;
  const failures = [...(spec.failures ?? [])].sort((a, b) => a.endAtMs - b.endAtMs);
  const perInterval = (rate * INTERVAL_MS) / 1000;
  const failedIn = new Map<number, number>();
  const doneFailed = new Map<number, FailureRecord[]>();
  for (const f of failures) {
    const k = Math.floor((f.kind === 'timeout' ? f.intendedAtMs : f.endAtMs) / INTERVAL_MS);
    failedIn.set(k, (failedIn.get(k) ?? 0) + 1);
    const e = Math.floor(f.endAtMs / INTERVAL_MS);
    doneFailed.set(e, [...(doneFailed.get(e) ?? []), f]);
  }
  const intervals: IntervalSample[] = [];
  let ok = 0;
  for (let k = 0; k * INTERVAL_MS < durationMs; k += 1) {
    const okHere = Math.max(0, Math.round(perInterval) - (failedIn.get(k) ?? 0));
    ok += okHere;
    intervals.push({
      atMs: k * INTERVAL_MS,
      sent: Math.round(perInterval),
      dropped: 0,
      done: doneWithFailures(okHere, doneFailed.get(k) ?? []),
      latency: { ...EMPTY_LATENCY, count: okHere, p50Us: 2000, p90Us: 4000, p99Us: (spec.p99Ms ?? 10) * 1000, maxUs: 20_000 },
      histogram: '',
      lagHistogram: '',
      okByPod: okByPodAt(spec.podTraffic ?? [], k * INTERVAL_MS, okHere),
      inFlight: 0,
    });
  }
  const totals: Totals = {
    sent: ok + failures.length,
    ok,
    failed: failures.length,
    inFlightAtStop: 0,
    dropped: 0,
    byKind: { ok },
    byConn: {
      new: { completed: 0, ok: 0, failed: 0, byKind: {} },
      reused: { completed: 0, ok: 0, failed: 0, byKind: {} },
    },
    byPopulation: { keepalive: { sent: 0, ok: 0, failed: 0 }, fresh: { sent: 0, ok: 0, failed: 0 } },
    targetRatePerSec: rate,
    achievedRatePerSec: rate,
    latency: { ...EMPTY_LATENCY, count: ok, p50Us: 2000, p90Us: 4000, p99Us: (spec.p99Ms ?? 10) * 1000, maxUs: 20_000 },
    lag: { ...EMPTY_LATENCY },
  };
  for (const f of failures) {
    totals.byKind[f.kind] = (totals.byKind[f.kind] ?? 0) + 1;
    const c = totals.byConn[f.reused ? 'reused' : 'new'];
    c.failed += 1;
    c.completed += 1;
    c.byKind[f.kind] = (c.byKind[f.kind] ?? 0) + 1;
  }
  return {
    schema: RESULTS_SCHEMA,
    meta: {
      tool: { name: 'rollcheck', version: '0.0.0-test' },
      command: 'local',
      mode: 'local',
      target: 'http://127.0.0.1:9/',
      params: { method: spec.method ?? 'GET', ratePerSec: rate },
      startedAt: '2026-01-01T00:00:00.000Z',
      startEpochMs: Date.UTC(2026, 0, 1),
      endedAt: '2026-01-01T00:00:10.000Z',
      durationMs,
      warmupMs: 0,
      intervalMs: INTERVAL_MS,
      phases: [{ phase: 'baseline', atMs: 0 }],
      interrupted: false,
      stopReason: spec.stopReason ?? 'completed',
      facts: {},
      warnings: [],
      notes: [],
      podLogs: {},
    },
    totals,
    intervals,
    failures,
    events: spec.events ?? [],
    analysis: null,
  };
}

function okByPodAt(pods: NonNullable<ResultsSpec['podTraffic']>, atMs: number, ok: number): Record<string, number> {
  const live = pods.filter((p) => atMs >= (p.fromMs ?? -Infinity) && atMs < (p.toMs ?? Infinity));
  return Object.fromEntries(live.map((p) => [p.pod, Math.floor(ok / live.length)]));
}

/** pid1Event is the local runtime's inspection of a pod's PID 1, done once it is ready. */
export function pid1Event(pod: string, atMs: number, pid1: Partial<Pid1Facts> = {}): ClusterEvent {
  return {
    kind: 'pid1',
    pod,
    atMs,
    pid1: { pid: 4242, exe: '/usr/bin/dash', argv: ['/bin/sh', '/app/entrypoint-shell.sh'], sigterm: 'default', role: 'shell', children: [{ pid: 4243, exe: '/usr/bin/node', argv: ['node', 'app.mjs'], sigterm: 'handled' }], ...pid1 },
  };
}

function doneWithFailures(okHere: number, failed: readonly FailureRecord[]): IntervalSample['done'] {
  const done: IntervalSample['done'] = { new: { ok: Math.floor(okHere / 5) }, reused: { ok: okHere - Math.floor(okHere / 5) } };
  for (const f of failed) {
    const c = done[f.reused ? 'reused' : 'new'];
    c[f.kind] = (c[f.kind] ?? 0) + 1;
  }
  return done;
}

/** shellPodEvents is a pod whose PID 1 is a shell that ignores SIGTERM: SIGKILL and exit 137 at the grace period. */
export function shellPodEvents(pod: string, termMs: number, graceMs = 3000): ClusterEvent[] {
  return [
    { kind: 'pod-created', pod, revision: 'r1', atMs: -5000 },
    { kind: 'pod-ready', pod, atMs: -4000 },
    pid1Event(pod, -4000),
    { kind: 'pod-terminating', pod, graceMs, atMs: termMs },
    { kind: 'sigterm', pod, atMs: termMs + 1 },
    { kind: 'endpoint-removed', pod, atMs: termMs + 1000 },
    { kind: 'sigkill', pod, atMs: termMs + 1 + graceMs },
    { kind: 'exited', pod, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: graceMs + 2, atMs: termMs + graceMs + 3 },
  ];
}

/** gracefulPodEvents is a pod that exits on SIGTERM after `drainMs`, optionally after a preStop sleep. */
export function gracefulPodEvents(pod: string, termMs: number, opts: { preStopMs?: number; drainMs?: number; endpointLagMs?: number } = {}): ClusterEvent[] {
  const pre = opts.preStopMs ?? 0;
  const sigterm = termMs + pre + 1;
  const exit = sigterm + (opts.drainMs ?? 200);
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod, revision: 'r1', atMs: -5000 },
    { kind: 'pod-ready', pod, atMs: -4000 },
    { kind: 'pod-terminating', pod, graceMs: 30_000, atMs: termMs },
  ];
  if (pre > 0) {
    events.push({ kind: 'prestop-started', pod, hook: `sleep ${pre / 1000}`, atMs: termMs + 1 });
    events.push({ kind: 'prestop-finished', pod, ok: true, atMs: termMs + pre });
  }
  events.push(
    { kind: 'sigterm', pod, atMs: sigterm },
    { kind: 'endpoint-removed', pod, atMs: termMs + (opts.endpointLagMs ?? 1000) },
    { kind: 'exited', pod, exitCode: 0, signal: null, afterSigtermMs: exit - sigterm, atMs: exit },
  );
  return events;
}
