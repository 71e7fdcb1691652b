// traffic/ owns the load engine: the open-model schedule (pacer.ts), dispatch
// over a keep-alive pool and a fresh-connection pool (dispatch.ts), and behind
// the protocol seam (protocol.ts, the registry in protocols.ts) the protocol
// clients: HTTP/1.1 lean (lean-*.ts) and undici (undici-pool.ts). Plus outcome
// classification, the request mix and front-door options, worker threads and
// the `rollcheck runner` protocol. Only engine.ts and the registry know which
// client runs; the rest knows the interface. It emits batches, never prints,
// and imports only results/ and the ground floor (it knows nothing of pods
// beyond the --pod-header value). createTrafficRunner here is its entry.
import type { Clock } from '../results/clock.js';
import type { TrafficBatch } from '../results/partial.js';
import { createEngine, type EngineStop } from './engine.js';
import type { TrafficSettings } from './settings.js';
import { createWorkerPool } from './worker-pool.js';

/** RunnerOptions configure the whole traffic of a run. */
export interface RunnerOptions {
  url: string;
  settings: TrafficSettings;
  clock: Clock;
  sink(batch: TrafficBatch): void;
}

/** TrafficRunner is the run's traffic: one in-process engine, or `settings.workers` worker threads. */
export interface TrafficRunner {
  /** sources is how many batch sources feed the sink. */
  readonly sources: number;
  /** start resolves once every engine is sending; recording begins `warmupMs` after the schedule starts. */
  start(warmupMs: number): Promise<RunnerStart>;
  /** endAt bounds the schedule: nothing intended at or after run-clock `atMs` is sent. */
  endAt(atMs: number): void;
  stop(drainMs: number): Promise<EngineStop>;
}

/** RunnerStart says when, on the run clock, the schedule started and recording begins. */
export interface RunnerStart {
  startAtMs: number;
  recordFromMs: number;
}

/** createTrafficRunner picks in-process (workers = 1) or worker threads. */
export function createTrafficRunner(options: RunnerOptions): TrafficRunner {
  if (options.settings.workers > 1) return createWorkerPool(options);
  const engine = createEngine({ ...options, ratePerSec: options.settings.ratePerSec, source: 0 });
  return {
    sources: 1,
    start: async (warmupMs) => {
      const startAtMs = options.clock.nowMs();
      const recordFromMs = startAtMs + warmupMs;
      engine.start(startAtMs, recordFromMs);
      return { startAtMs, recordFromMs };
    },
    endAt: (atMs) => engine.endAt(atMs),
    stop: (drainMs) => engine.stop(drainMs),
  };
}
