import type { ClusterEvent } from './events.js';
import { VERSION } from '../version.js';
import { createAggregator } from './aggregator.js';
import type { Clock } from './clock.js';
import { createHistogram, decodeHistogram, type Histogram } from './histogram.js';
import { summarizeWithSum } from './latency.js';
import { createIntervalStore } from './interval-store.js';
import type { LiveSnapshot, LiveView } from './live.js';
import type { RequestOutcome, TrafficBatch, TrafficPartial } from './partial.js';
import {
  INTERVAL_MS,
  RESULTS_SCHEMA,
  type FailureRecord,
  type MethodTotals,
  type RetriedRecord,
  type KindCounts,
  type Phase,
  type PhaseMark,
  type Population,
  type Results,
  type RunMeta,
  type Totals,
} from './types.js';

/** RecorderOptions describe the run being recorded. */
export interface RecorderOptions {
  clock: Clock;
  command: string;
  mode: RunMeta['mode'];
  target: string;
  params: Record<string, unknown>;
  targetRatePerSec: number;
  warmupMs: number;
  /** tickMs is how often live listeners are told (default INTERVAL_MS; 0: only when `tick()` is called). */
  tickMs?: number;
}

/** FinishOptions say how the run ended. */
export interface FinishOptions {
  stopReason: string;
  interrupted: boolean;
  /** inFlightAtStop as the engine counted it; checked against sent − completed. */
  inFlightAtStop?: number;
  /** trafficEndMs is where the traffic schedule ended (default: now); the achieved rate is over [recording start, this). */
  trafficEndMs?: number;
}

/** Recorder takes traffic, cluster events and phase marks, serves the live view, and builds the Results. */
export interface Recorder extends LiveView {
  /** ingest merges one batch of interval partials from a traffic source (engine or worker). */
  ingest(batch: TrafficBatch): void;
  /** recordSent and recordOutcome feed single requests (for callers without an engine of their own). */
  recordSent(atMs: number, population: Population, lagMs?: number): void;
  recordOutcome(o: RequestOutcome): void;
  event(e: ClusterEvent): void;
  /** markRecording says when counted traffic begins (the end of the warm-up). */
  markRecording(atMs: number): void;
  setPhase(phase: Phase, atMs?: number): void;
  phase(): Phase;
  setTarget(target: string, facts?: RunMeta['facts'], warnings?: string[]): void;
  note(message: string): void;
  warn(message: string): void;
  setPodLog(pod: string, path: string): void;
  /** tick folds pending single outcomes and tells listeners (the timer calls it every tickMs). */
  tick(): void;
  finish(options: FinishOptions): Results;
}

const RECENT_INTERVALS = 600;
const RECENT_FAILURES = 200;

/** createRecorder starts recording a run (warm-up traffic is never given to it). */
export function createRecorder(options: RecorderOptions): Recorder {
  const { clock } = options;
  const store = createIntervalStore();
  const direct = createAggregator();
  let directUsed = false;
  const failures: FailureRecord[] = [];
  // Front-door figures (issue 12): completions by method, and requests a proxy's retry saved.
  const byMethod: Record<string, MethodTotals> = {};
  const retried: RetriedRecord[] = [];
  const events: ClusterEvent[] = [];
  const phases: PhaseMark[] = [];
  const listeners = new Set<() => void>();
  const latency = createHistogram();
  const lag = createHistogram();
  const service = createHistogram();
  const sums = { latencyUs: 0, lagUs: 0, serviceUs: 0 };
  const failuresByPod: Record<string, number> = {};
  const okByPod: Record<string, number> = {};
  const meta = {
    target: options.target,
    facts: {} as RunMeta['facts'],
    warnings: [] as string[],
    notes: [] as string[],
  };
  const podLogs: Record<string, string> = {};
  const t = newTotals(options.targetRatePerSec);
  let recordFromMs = options.warmupMs;
  let dirty = true;
  let changed = true;
  const touch = (): void => {
    dirty = true;
    changed = true;
  };
  let finished = false;
  let cached: LiveSnapshot | null = null;

  const addPartial = (p: TrafficPartial): void => {
    store.add(p);
    for (const pop of ['keepalive', 'fresh'] as const) {
      t.sent += p.sent[pop];
      t.byPopulation[pop].sent += p.sent[pop];
      t.byPopulation[pop].ok += p.donePop[pop].ok;
      t.byPopulation[pop].failed += p.donePop[pop].failed;
    }
    t.dropped += p.dropped;
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
    for (const [m, c] of Object.entries(p.byMethod ?? {})) {
      const into = (byMethod[m] ??= { ok: 0, failed: 0 });
      into.ok += c.ok;
      into.failed += c.failed;
    }
    if (p.retried) retried.push(...p.retried);
    for (const f of p.failures) {
      failures.push(f);
      if (f.pod !== undefined) failuresByPod[f.pod] = (failuresByPod[f.pod] ?? 0) + 1;
    }
    touch();
  };

  const foldDirect = (all: boolean): void => {
    if (!directUsed) return;
    for (const p of direct.flush(clock.nowMs(), all)) addPartial(p);
  };

  const totalsNow = (endMs: number): Totals => {
    const seconds = Math.max(0.001, (endMs - recordFromMs) / 1000);
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
      inFlightAtStop: t.sent - t.ok - t.failed,
      achievedRatePerSec: Math.round((t.sent / seconds) * 10) / 10,
      latency: summarizeWithSum(latency, sums.latencyUs),
      lag: summarizeWithSum(lag, sums.lagUs),
      service: summarizeWithSum(service, sums.serviceUs),
    };
  };

  const snapshot = (): LiveSnapshot => {
    if (cached !== null && !dirty) return { ...cached, nowMs: clock.nowMs() };
    const nowMs = clock.nowMs();
    const last = Math.max(store.lastIndex(), Math.floor(recordFromMs / INTERVAL_MS));
    const first = Math.max(Math.floor(recordFromMs / INTERVAL_MS), last - RECENT_INTERVALS + 1);
    const totals = totalsNow(Math.max(nowMs, recordFromMs));
    cached = {
      nowMs,
      startEpochMs: clock.startEpochMs,
      mode: options.mode,
      target: meta.target,
      phase: phases[phases.length - 1]?.phase ?? 'warmup',
      targetRatePerSec: options.targetRatePerSec,
      totals,
      recent: store.lastIndex() < 0 ? [] : store.samples(first, last, t.sent, t.ok + t.failed),
      events: [...events],
      recentFailures: failures.slice(-RECENT_FAILURES),
      failuresByPod: { ...failuresByPod },
      okByPod: { ...okByPod },
      finished,
    };
    dirty = false;
    return cached;
  };

  const tick = (): void => {
    foldDirect(false);
    if (!changed) return;
    changed = false;
    for (const l of [...listeners]) l();
  };
  const tickMs = options.tickMs ?? INTERVAL_MS;
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : null;
  timer?.unref();

  return {
    ingest(batch) {
      for (const p of batch.partials) addPartial(p);
    },
    recordSent(atMs, population, lagMs = 0) {
      directUsed = true;
      direct.sent(atMs, population, lagMs);
    },
    recordOutcome(o) {
      directUsed = true;
      direct.done(o);
    },
    event(e) {
      events.push(e);
      // A driver names each pod's log file when it creates the pod; the results meta lists them.
      if (e.kind === 'pod-created' && e.logPath !== undefined) podLogs[e.pod] = e.logPath;
      touch();
    },
    markRecording(atMs) {
      recordFromMs = atMs;
      touch();
    },
    setPhase(phase, atMs = clock.nowMs()) {
      phases.push({ phase, atMs: Math.round(atMs * 1000) / 1000 });
      touch();
    },
    phase: () => phases[phases.length - 1]?.phase ?? 'warmup',
    setTarget(target, facts, warnings) {
      meta.target = target;
      if (facts) Object.assign(meta.facts, facts);
      if (warnings) meta.warnings.push(...warnings);
      touch();
    },
    note: (message) => void meta.notes.push(message),
    warn: (message) => void meta.warnings.push(message),
    setPodLog: (pod, path) => void (podLogs[pod] = path),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    snapshot,
    tick,
    finish(fin) {
      foldDirect(true);
      if (timer) clearInterval(timer);
      finished = true;
      touch();
      const endMs = clock.nowMs();
      const totals = totalsNow(fin.trafficEndMs ?? endMs);
      if (fin.inFlightAtStop !== undefined && fin.inFlightAtStop !== totals.inFlightAtStop) {
        meta.warnings.push(
          `in-flight at stop: the engine counted ${fin.inFlightAtStop}, the recorder ${totals.inFlightAtStop} (sent − completed)`,
        );
      }
      const firstIndex = Math.floor(recordFromMs / INTERVAL_MS);
      const lastIndex = Math.max(store.lastIndex(), firstIndex);
      failures.sort((a, b) => a.endAtMs - b.endAtMs);
      const results: Results = {
        schema: RESULTS_SCHEMA,
        meta: {
          tool: { name: 'rollcheck', version: VERSION },
          command: options.command,
          mode: options.mode,
          target: meta.target,
          params: options.params,
          startedAt: new Date(clock.startEpochMs).toISOString(),
          startEpochMs: clock.startEpochMs,
          endedAt: new Date(clock.startEpochMs + endMs).toISOString(),
          durationMs: Math.round(endMs),
          warmupMs: options.warmupMs,
          recordedFromMs: Math.round(recordFromMs),
          recordedToMs: Math.round(fin.trafficEndMs ?? endMs),
          intervalMs: INTERVAL_MS,
          phases: [...phases],
          interrupted: fin.interrupted,
          stopReason: fin.stopReason,
          facts: { ...meta.facts },
          warnings: [...meta.warnings],
          notes: [...meta.notes],
          podLogs: { ...podLogs },
        },
        totals,
        intervals:
          store.lastIndex() < 0
            ? []
            : store.samples(firstIndex, lastIndex, t.sent, t.ok + t.failed),
        failures: [...failures],
        events: [...events].sort((a, b) => a.atMs - b.atMs),
        analysis: null,
      };
      addFrontDoor(results, byMethod, retried);
      tick();
      return results;
    },
  };
}

/** addFrontDoor adds the by-method counts and the proxy-retried requests, only when there are any (old results stay as they were). */
function addFrontDoor(results: Results, byMethod: Record<string, MethodTotals>, retried: RetriedRecord[]): void {
  if (Object.keys(byMethod).length > 0) results.totals.byMethod = structuredClone(byMethod);
  if (retried.length > 0 || Object.keys(byMethod).length > 0) results.totals.savedByRetry = retried.length;
  if (retried.length > 0) results.retried = [...retried].sort((a, b) => a.endAtMs - b.endAtMs);
}

function newTotals(
  targetRatePerSec: number,
): Omit<Totals, 'latency' | 'lag' | 'inFlightAtStop' | 'achievedRatePerSec'> {
  const conn = () => ({ completed: 0, ok: 0, failed: 0, byKind: {} as KindCounts });
  return {
    sent: 0,
    ok: 0,
    failed: 0,
    dropped: 0,
    byKind: {},
    byConn: { new: conn(), reused: conn() },
    byPopulation: {
      keepalive: { sent: 0, ok: 0, failed: 0 },
      fresh: { sent: 0, ok: 0, failed: 0 },
    },
    targetRatePerSec,
  };
}

function addInto(total: Histogram, live: Histogram | null | undefined, encoded: string): void {
  if (live) total.add(live);
  else if (encoded !== '') total.add(decodeHistogram(encoded));
}
