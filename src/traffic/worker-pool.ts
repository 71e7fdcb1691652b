import { Worker } from 'node:worker_threads';
import type { EngineStop } from './engine.js';
import type { RunnerOptions, TrafficRunner } from './runner.js';
import type { WorkerCommand, WorkerInit, WorkerMessage } from './worker-protocol.js';
import { share } from './settings.js';

// Built, the worker is worker-main.js next to this file. Running from source
// (tsx), Node 20 does not apply --import hooks to a worker's entry module, so a
// small eval'd bootstrap registers tsx first and then imports the .ts entry.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./worker-main${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);

function spawnWorker(workerData: WorkerInit): Worker {
  // The test runner's own flags must not reach the worker.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData, execArgv });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true, workerData, execArgv });
}

/** createWorkerPool runs the traffic on `settings.workers` threads, each sending rate/N, interleaved. */
export function createWorkerPool(options: RunnerOptions): TrafficRunner {
  const n = options.settings.workers;
  const rate = options.settings.ratePerSec;
  const workers: Worker[] = [];
  const ready: Array<Promise<void>> = [];
  const stopped: Array<Promise<EngineStop>> = [];
  for (let w = 0; w < n; w += 1) {
    const init: WorkerInit = {
      url: options.url,
      // --connections and --max-in-flight are totals: each worker gets its share.
      settings: {
        ...options.settings,
        connections: share(options.settings.connections, n, w),
        maxInFlight: share(options.settings.maxInFlight, n, w),
      },
      startEpochMs: options.clock.startEpochMs,
      ratePerSec: rate / n,
      offsetMs: (w * 1000) / rate,
      source: w,
    };
    const worker = spawnWorker(init);
    workers.push(worker);
    let onReady: () => void = () => undefined;
    let onStopped: (s: EngineStop) => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    ready.push(new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject))));
    stopped.push(
      new Promise<EngineStop>((resolve, reject) => {
        onStopped = resolve;
        const prev = onFail;
        onFail = (e) => (prev(e), reject(e));
      }),
    );
    stopped[w]?.catch(() => undefined);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') onReady();
      else if (m.type === 'batch') options.sink(m.batch);
      else if (m.type === 'stopped') onStopped(m);
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
    async start(warmupMs) {
      await Promise.all(ready);
      // One shared start time a little ahead, so every worker's schedule lines up.
      const startAtMs = options.clock.nowMs() + 10;
      const recordFromMs = startAtMs + warmupMs;
      send({ type: 'start', atMs: startAtMs, recordFromMs });
      return { startAtMs, recordFromMs };
    },
    endAt: (atMs) => send({ type: 'end', atMs }),
    async stop(drainMs): Promise<EngineStop> {
      send({ type: 'stop', drainMs });
      try {
        const all = await Promise.all(stopped);
        return {
          inFlightAtStop: all.reduce((a, s) => a + s.inFlightAtStop, 0),
          scheduleEndMs: Math.max(...all.map((s) => s.scheduleEndMs)),
        };
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
  };
}

