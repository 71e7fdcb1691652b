import { Worker } from 'node:worker_threads';
import type { DashboardInit, FromDrawer, ToDrawer } from './dashboard-protocol.js';

// Built, the drawer is drawer-main.js next to this file. From source (tsx), Node 20
// does not apply --import hooks to a worker's entry, so a small bootstrap registers
// tsx first (the same way as src/traffic/worker-pool.ts).
const FROM_SOURCE = /\.tsx?$/.test(import.meta.url);
const DRAWER_URL = new URL(`./drawer-main${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);

/** DrawerThread is the dashboard's drawing thread, seen from the main thread. */
export interface DrawerThread {
  send(m: ToDrawer): void;
  /** stopped resolves once the drawer drew its last frame (or died). */
  stopped: Promise<void>;
  terminate(): Promise<void>;
}

/** startDrawerThread spawns the drawing thread; what it writes goes to `write`, a failure to `fail`. */
export function startDrawerThread(
  init: DashboardInit,
  write: (chunk: string) => void,
  fail: (message: string) => void,
): DrawerThread {
  // The test runner's own flags must not reach the worker.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  // React's development build costs about twice the CPU per frame; the drawer runs the production one unless told otherwise.
  const env = { ...process.env, NODE_ENV: process.env['NODE_ENV'] ?? 'production' };
  let worker: Worker;
  if (FROM_SOURCE) {
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(DRAWER_URL.href)}); });`;
    worker = new Worker(code, { eval: true, workerData: init, execArgv, env });
  } else {
    worker = new Worker(DRAWER_URL, { workerData: init, execArgv, env });
  }
  // A forgotten dashboard must not keep the process alive.
  worker.unref();
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  worker.on('message', (m: FromDrawer) => {
    if (m.type === 'write') write(m.chunk);
    else if (m.type === 'stopped') onStopped();
    else {
      fail(m.message);
      onStopped();
    }
  });
  worker.on('error', (e) => {
    fail(e.message);
    onStopped();
  });
  worker.on('exit', () => onStopped());
  return {
    send: (m) => worker.postMessage(m),
    stopped,
    terminate: async () => void (await worker.terminate()),
  };
}
