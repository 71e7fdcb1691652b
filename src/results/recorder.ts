import type { ClusterEvent } from './events.js';
import { createAggregator } from './aggregator.js';
import { createConnectionLog } from './connection-log.js';
import { addFrontDoor, addFrontDoorPartial, createFrontDoorRecord } from './front-door-record.js';
import { assembleResults } from './assemble-results.js';
import type { Clock } from './clock.js';
import { createGeneratorTracker } from './generator-load.js';
import { createIntervalStore } from './interval-store.js';
import type { LiveView } from './live.js';
import { createLiveSnapshots } from './live-snapshot.js';
import type { RequestOutcome, TrafficBatch, TrafficPartial } from './partial.js';
import { addFailures, createRunRecord, currentPhase } from './run-record.js';
import { createRunTotals } from './run-totals.js';
import { createSubscribers } from './subscribers.js';
import { INTERVAL_MS, type Phase, type Population, type Results, type RunMeta } from './types.js';

/** RecorderOptions describe the run being recorded. */
export interface RecorderOptions {
  clock: Clock;
  command: string;
  mode: RunMeta['mode'];
  target: string;
  params: Record<string, unknown>;
  targetRatePerSec: number;
  warmupMs: number;
  /** sourceKind says whether the traffic's sources are worker threads (default) or runners. */
  sourceKind?: 'worker' | 'runner';
  /** cores is how many cores this process may run on (for the generator's capacity advice; default 1). */
  cores?: number;
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
  /** setTarget records where traffic goes, what the driver found, and what the pods ran on (meta.cluster). */
  setTarget(target: string, facts?: RunMeta['facts'], warnings?: string[], cluster?: RunMeta['cluster']): void;
  note(message: string): void;
  warn(message: string): void;
  setPodLog(pod: string, path: string): void;
  /** tick folds pending single outcomes and tells listeners (the timer calls it every tickMs). */
  tick(): void;
  finish(options: FinishOptions): Results;
}

/**
 * createRecorder starts recording a run (warm-up traffic is never given to it).
 * It wires the parts, one job each: the interval store, the run totals
 * (run-totals.ts), the record of failures, events, phases and meta
 * (run-record.ts), the live snapshot (live-snapshot.ts), the subscribers and
 * their tick (subscribers.ts), and the results assembly (assemble-results.ts).
 */
export function createRecorder(options: RecorderOptions): Recorder {
  const { clock } = options;
  const store = createIntervalStore();
  const totals = createRunTotals(options.targetRatePerSec);
  const record = createRunRecord(options.target, options.warmupMs);
  const direct = createAggregator();
  const frontDoor = createFrontDoorRecord();
  const connections = createConnectionLog();
  const sourceKind = options.sourceKind ?? 'worker';
  const generator = createGeneratorTracker(sourceKind, options.cores ?? 1);
  let directUsed = false;
  let finished = false;
  const live = createLiveSnapshots({
    clock,
    mode: options.mode,
    targetRatePerSec: options.targetRatePerSec,
    store,
    totals,
    record,
    generator,
    sourceKind,
    finished: () => finished,
  });

  const foldDirect = (all: boolean): void => {
    if (!directUsed) return;
    for (const p of direct.flush(clock.nowMs(), all)) addPartial(p);
  };
  const subscribers = createSubscribers(options.tickMs ?? INTERVAL_MS, () => foldDirect(false));
  const touch = (): void => {
    live.invalidate();
    subscribers.changed();
  };
  const addPartial = (p: TrafficPartial): void => {
    store.add(p);
    totals.add(p);
    addFailures(record, p.failures);
    addFrontDoorPartial(frontDoor, p);
    touch();
  };

  return {
    ingest(batch) {
      generator.add(batch);
      if (batch.connections !== undefined) connections.add(batch.connections);
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
      record.events.push(e);
      // A driver names each pod's log file when it creates the pod; the results meta lists them.
      if (e.kind === 'pod-created' && e.logPath !== undefined) record.podLogs[e.pod] = e.logPath;
      touch();
    },
    markRecording(atMs) {
      record.recordFromMs = atMs;
      touch();
    },
    setPhase(phase, atMs = clock.nowMs()) {
      record.phases.push({ phase, atMs: Math.round(atMs * 1000) / 1000 });
      touch();
    },
    phase: () => currentPhase(record),
    setTarget(target, facts, warnings, cluster) {
      record.target = target;
      if (cluster) record.cluster = cluster;
      if (facts) Object.assign(record.facts, facts);
      if (warnings) record.warnings.push(...warnings);
      touch();
    },
    note: (message) => void record.notes.push(message),
    warn: (message) => void record.warnings.push(message),
    setPodLog: (pod, path) => void (record.podLogs[pod] = path),
    subscribe: subscribers.subscribe,
    snapshot: live.get,
    latencyOf: (fromMs, toMs) =>
      store.latencyOf(Math.ceil(fromMs / INTERVAL_MS), Math.floor(toMs / INTERVAL_MS)),
    tick: subscribers.tick,
    finish(fin) {
      foldDirect(true);
      subscribers.stop();
      finished = true;
      touch();
      const endMs = clock.nowMs();
      const inFlight = totals.sent() - totals.completed();
      if (fin.inFlightAtStop !== undefined && fin.inFlightAtStop !== inFlight) {
        record.warnings.push(
          `in-flight at stop: the engine counted ${fin.inFlightAtStop}, the recorder ${inFlight} (sent − completed − expired in the queue)`,
        );
      }
      record.failures.sort((a, b) => a.endAtMs - b.endAtMs);
      const results = assembleResults({
        command: options.command,
        mode: options.mode,
        params: options.params,
        warmupMs: options.warmupMs,
        startEpochMs: clock.startEpochMs,
        endMs,
        trafficEndMs: fin.trafficEndMs ?? endMs,
        interrupted: fin.interrupted,
        stopReason: fin.stopReason,
        record,
        totals,
        store,
      });
      addFrontDoor(results, frontDoor);
      connections.addTo(results);
      const load = generator.summary(record.recordFromMs, fin.trafficEndMs ?? endMs);
      if (load !== undefined) results.totals.generator = load;
      // The engine's own count, kept beside the derived one: the books must balance.
      if (fin.inFlightAtStop !== undefined) results.totals.inFlightCounted = fin.inFlightAtStop;
      subscribers.tick();
      return results;
    },
  };
}
