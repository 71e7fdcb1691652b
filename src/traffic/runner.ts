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
  recordFromMs: number;
  sink(batch: TrafficBatch): void;
}

/** TrafficRunner is the run's traffic: one in-process engine, or `settings.workers` worker threads. */
export interface TrafficRunner {
  /** sources is how many batch sources feed the sink. */
  readonly sources: number;
  /** start resolves once every engine is sending. */
  start(): Promise<void>;
  stop(drainMs: number): Promise<EngineStop>;
}

/** createTrafficRunner picks in-process (workers = 1) or worker threads. */
export function createTrafficRunner(options: RunnerOptions): TrafficRunner {
  if (options.settings.workers > 1) return createWorkerPool(options);
  const engine = createEngine({ ...options, ratePerSec: options.settings.ratePerSec, source: 0 });
  return {
    sources: 1,
    start: async () => engine.start(),
    stop: (drainMs) => engine.stop(drainMs),
  };
}
