// Entry of the dashboard's drawing thread: React, layout and ink's diffing run
// here, so that a frame never holds up the traffic engine on the main thread.
// The main thread sends snapshots, the time, resizes and the final results;
// this thread sends back what ink writes, for the main thread's stdout.
import { parentPort, workerData } from 'node:worker_threads';
import type { LiveSnapshot, LiveView } from '../results/live.js';
import { CLEAR_SCREEN, type DashboardInit, type FromDrawer, type ToDrawer } from './dashboard-protocol.js';
import { createRelayTty } from './relay-stream.js';
import { renderInk } from './render-ink.js';

const port = parentPort;
if (port === null) throw new Error('drawer-main must run in a worker thread');
const init = workerData as DashboardInit;
const post = (m: FromDrawer): void => port.postMessage(m);

let latest: LiveSnapshot = init.snapshot;
let nowMs = init.nowMs;
const listeners = new Set<() => void>();
const view: LiveView = {
  subscribe(listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  snapshot: () => latest,
};
const stdout = createRelayTty({
  columns: init.columns,
  rows: init.rows,
  isTTY: init.isTTY,
  send: (chunk) => post({ type: 'write', chunk }),
});
const stderr = createRelayTty({
  columns: init.columns,
  rows: init.rows,
  isTTY: false,
  send: () => undefined,
});
const ink = renderInk({
  view,
  clock: { startEpochMs: init.snapshot.startEpochMs, nowMs: () => nowMs },
  title: init.title,
  tickMs: init.tickMs,
  color: init.color,
  thresholds: init.thresholds,
  stdout,
  stderr,
});

port.on('message', (m: ToDrawer) => {
  switch (m.type) {
    case 'snapshot':
      latest = m.snapshot;
      nowMs = m.nowMs;
      for (const l of [...listeners]) l();
      break;
    case 'now':
      nowMs = m.nowMs;
      break;
    case 'resize':
      // The terminal rewraps what is on it to the new width, so ink's erase-the-last-N-lines
      // would leave pieces of it behind: clear the screen, and let the next frame start at the
      // top. The clear goes in this thread's writes, after every frame drawn at the old size
      // (those may still be on their way to the main thread's stdout when the terminal resizes).
      if (init.isTTY) post({ type: 'write', chunk: CLEAR_SCREEN });
      stdout.resize(m.columns, m.rows);
      break;
    case 'quitting':
      ink.setQuitting();
      break;
    case 'stop':
      ink.stop(m.final).then(
        () => post({ type: 'stopped' }),
        (e: unknown) => post({ type: 'failed', message: String(e) }),
      );
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
