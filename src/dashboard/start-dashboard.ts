import type { Io } from '../io.js';
import type { Clock } from '../results/clock.js';
import type { LiveView } from '../results/live.js';
import type { Thresholds } from '../results/types.js';
import { slimFinal, slimSnapshot } from './dashboard-protocol.js';
import { startDrawerThread } from './drawer-thread.js';
import type { DashboardFinal } from './final-info.js';
import { listenForQuitKeys } from './quit-keys.js';
import type { InkDashboard } from './render-ink.js';
import { colorEnabled } from './should-use-dashboard.js';

/** DashboardOptions start a dashboard over a live view. */
export interface DashboardOptions {
  view: LiveView;
  io: Io;
  title: string;
  /** onQuit is called on `q` or Ctrl-C (each press); the caller aborts the run and later calls stop(). */
  onQuit: () => void;
  /** tickMs is the redraw period (default 250 ms, clamped to 100–250 ms: 4–10 Hz). */
  tickMs?: number;
  /** thresholds give the running verdict (failures so far against maxErrors). */
  thresholds?: Thresholds;
  /** clock keeps the elapsed time moving between snapshots; pass the run clock. */
  clock?: Clock;
  /**
   * thread 'worker' (default) draws in a worker thread so that frames never
   * hold up the traffic engine; 'main' draws on this thread (for comparison).
   */
  thread?: 'worker' | 'main';
}

/** DashboardHandle stops the dashboard. */
export interface DashboardHandle {
  /** stop draws the final frame (summary, verdict, file paths when given), leaves it on screen and restores the terminal. */
  stop(final?: DashboardFinal): Promise<void>;
}

const DEFAULT_TICK_MS = 250;

/** startDashboard draws the live dashboard into `io.stdout` until stop() is called; `q` and Ctrl-C call onQuit. */
export function startDashboard(options: DashboardOptions): DashboardHandle {
  const tickMs = Math.min(250, Math.max(100, options.tickMs ?? DEFAULT_TICK_MS));
  const draw =
    options.thread === 'main' ? drawHere(options, tickMs) : drawInWorker(options, tickMs);
  const restoreKeys = listenForQuitKeys(options.io.stdin, () => {
    draw.setQuitting();
    options.onQuit();
  });
  let stopped: Promise<void> | null = null;
  return {
    stop(final) {
      stopped ??= draw.stop(final).finally(restoreKeys);
      return stopped;
    },
  };
}

interface Drawing {
  setQuitting(): void;
  stop(final?: DashboardFinal): Promise<void>;
}

/** drawHere draws on this thread; ink and React load only now, so that commands without a dashboard never load them. */
function drawHere(o: DashboardOptions, tickMs: number): Drawing {
  const mounted: Promise<InkDashboard> = import('./render-ink.js').then(({ renderInk }) =>
    renderInk({
      view: o.view,
      clock: o.clock,
      title: o.title,
      tickMs,
      color: colorEnabled(o.io),
      thresholds: o.thresholds,
      stdout: o.io.stdout,
      stderr: o.io.stderr,
    }),
  );
  return {
    setQuitting: () => void mounted.then((ink) => ink.setQuitting()),
    stop: async (final) => (await mounted).stop(final),
  };
}

/**
 * drawInWorker keeps only the cheap part here: on each tick, a snapshot when
 * the view changed (trimmed to what the screen reads) or else just the time.
 */
function drawInWorker(o: DashboardOptions, tickMs: number): Drawing {
  const { io, view } = o;
  const nowMs = (): number => o.clock?.nowMs() ?? view.snapshot().nowMs;
  let failed = false;
  const thread = startDrawerThread(
    {
      title: o.title,
      tickMs,
      color: colorEnabled(io),
      thresholds: o.thresholds,
      columns: io.stdout.columns ?? 80,
      rows: io.stdout.rows ?? 24,
      isTTY: io.stdout.isTTY === true,
      snapshot: slimSnapshot(view.snapshot()),
      nowMs: nowMs(),
    },
    (chunk) => void io.stdout.write(chunk),
    (message) => {
      // The run goes on without its dashboard; say so once.
      if (!failed)
        io.stderr.write(`rollcheck: the dashboard stopped (${message}); the run goes on\n`);
      failed = true;
    },
  );
  let dirty = false;
  const unsubscribe = view.subscribe(() => void (dirty = true));
  const sendLatest = (): void => {
    if (dirty)
      thread.send({ type: 'snapshot', snapshot: slimSnapshot(view.snapshot()), nowMs: nowMs() });
    else thread.send({ type: 'now', nowMs: nowMs() });
    dirty = false;
  };
  const timer = setInterval(sendLatest, tickMs);
  timer.unref();
  // The drawing thread clears the screen in its own stream of writes (drawer-main.ts).
  const onResize = (): void => thread.send({ type: 'resize', columns: io.stdout.columns ?? 80, rows: io.stdout.rows ?? 24 });
  io.stdout.on('resize', onResize);
  return {
    setQuitting: () => thread.send({ type: 'quitting' }),
    async stop(final) {
      clearInterval(timer);
      unsubscribe();
      io.stdout.off('resize', onResize);
      dirty = true;
      sendLatest();
      thread.send({ type: 'stop', final: final ? slimFinal(final) : undefined });
      await thread.stopped;
      await thread.terminate();
    },
  };
}
