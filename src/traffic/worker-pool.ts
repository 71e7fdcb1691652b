import { Worker } from 'node:worker_threads';
import type { EngineStop } from './engine.js';
import type { RunnerOptions, TrafficRunner } from './runner.js';
import type { WorkerCommand, WorkerInit, WorkerMessage } from './worker-protocol.js';

// Running from source (tsx) the worker is a .ts file; built, it is .js next to this one.
const WORKER_URL = new URL(
  `./worker-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** createWorkerPool runs the traffic on `settings.workers` threads, each sending rate/N, interleaved. */
export function createWorkerPool(options: RunnerOptions): TrafficRunner {
  const n = options.settings.workers;
  const rate = options.settings.ratePerSec;
  const workers: Worker[] = [];
  const ready: Array<Promise<void>> = [];
  const stopped: Array<Promise<number>> = [];
  for (let w = 0; w < n; w += 1) {
    const init: WorkerInit = {
      url: options.url,
      settings: options.settings,
      startEpochMs: options.clock.startEpochMs,
      ratePerSec: rate / n,
      offsetMs: (w * 1000) / rate,
      recordFromMs: options.recordFromMs,
      source: w,
    };
    // Keep loaders such as tsx (--import), drop the test runner's own flags.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
    const worker = new Worker(WORKER_URL, { workerData: init, execArgv });
    workers.push(worker);
    let onReady: () => void = () => undefined;
    let onStopped: (n: number) => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    ready.push(new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject))));
    stopped.push(
      new Promise<number>((resolve, reject) => {
        onStopped = resolve;
        const prev = onFail;
        onFail = (e) => (prev(e), reject(e));
      }),
    );
    stopped[w]?.catch(() => undefined);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') onReady();
      else if (m.type === 'batch') options.sink(m.batch);
      else if (m.type === 'stopped') onStopped(m.inFlightAtStop);
      else onFail(new Error(`traffic worker ${w}: ${m.message}`));
    });
    worker.on('error', (e) => onFail(new Error(`traffic worker ${w} crashed: ${e.message}`)));
    worker.on('exit', (code) =>
      onFail(new Error(`traffic worker ${w} exited (${code}) before it stopped`)),
    );
  }
  const send = (m: WorkerCommand): void => workers.forEach((w) => w.postMessage(m));
  return {
    sources: n,
    async start() {
      await Promise.all(ready);
      // One shared start time a little ahead, so every worker's schedule lines up.
      send({ type: 'start', atMs: options.clock.nowMs() + 10 });
    },
    async stop(drainMs): Promise<EngineStop> {
      send({ type: 'stop', drainMs });
      try {
        const counts = await Promise.all(stopped);
        return { inFlightAtStop: counts.reduce((a, b) => a + b, 0) };
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
  };
}
