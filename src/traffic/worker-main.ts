// Entry of one traffic worker thread: runs an engine on its share of the rate
// and posts its interval batches to the main thread, which merges them.
import { parentPort, workerData } from 'node:worker_threads';
import { createClock } from '../results/clock.js';
import { createEngine } from './engine.js';
import { withLoad } from './loop-load.js';
import type { WorkerInit, WorkerMessage, WorkerCommand } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('worker-main must run in a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);
const engine = createEngine({
  url: init.url,
  settings: init.settings,
  clock: createClock(init.startEpochMs),
  ratePerSec: init.ratePerSec,
  offsetMs: init.offsetMs,
  source: init.source,
  wire: true,
  sink: withLoad((batch) => post({ type: 'batch', batch })),
});
port.on('message', (m: WorkerCommand) => {
  if (m.type === 'start') engine.start(m.atMs, m.recordFromMs);
  else if (m.type === 'end') engine.endAt(m.atMs);
  else if (m.type === 'stop') {
    engine.stop(m.drainMs).then(
      (r) => {
        post({ type: 'stopped', ...r });
        port.close();
      },
      (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
  }
});
post({ type: 'ready' });
