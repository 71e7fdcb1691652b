import { PassThrough } from 'node:stream';
import { render, type Instance } from 'ink';
import type { Io } from '../cli/io.js';
import type { Clock } from '../results/clock.js';
import type { LiveView } from '../results/live.js';
import type { Thresholds } from '../results/types.js';
import type { DashboardFinal } from './final-info.js';
import { LiveDashboard, type LiveDashboardProps } from './live-dashboard.js';
import { colorEnabled } from './should-use-dashboard.js';

/** DashboardOptions start a dashboard over a live view. */
export interface DashboardOptions {
  view: LiveView;
  io: Io;
  title: string;
  /** onQuit is called on `q` or Ctrl-C (each press); the caller aborts the run and later calls stop(). */
  onQuit: () => void;
  /** tickMs is the redraw period (default 200 ms, clamped to 100–250 ms: 4–10 Hz). */
  tickMs?: number;
  /** thresholds give the running verdict (failures so far against maxErrors). */
  thresholds?: Thresholds;
  /** clock keeps the elapsed time moving between snapshots; pass the run clock. */
  clock?: Clock;
}

/** DashboardHandle stops the dashboard. */
export interface DashboardHandle {
  /** stop draws the final frame (summary, verdict, file paths when given), leaves it on screen and restores the terminal. */
  stop(final?: DashboardFinal): Promise<void>;
}

const DEFAULT_TICK_MS = 200;

/** startDashboard renders the live dashboard into `io.stdout` until stop() is called. */
export function startDashboard(options: DashboardOptions): DashboardHandle {
  const { io } = options;
  const tickMs = Math.min(250, Math.max(100, options.tickMs ?? DEFAULT_TICK_MS));
  // Without a terminal on stdin there are no keys to read; ink still wants a stream.
  const stdin = io.stdin ?? Object.assign(new PassThrough(), { isTTY: false });
  const props: LiveDashboardProps = {
    view: options.view,
    title: options.title,
    tickMs,
    onQuit: options.onQuit,
    color: colorEnabled(io),
    thresholds: options.thresholds,
    clock: options.clock,
  };
  const instance: Instance = render(<LiveDashboard {...props} />, {
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
    stdin: stdin as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    // Ink's own throttle; our tick already limits frames, this bounds resize bursts.
    maxFps: 10,
  });
  let stopped: Promise<void> | null = null;
  return {
    stop(final) {
      stopped ??= (async () => {
        if (final) instance.rerender(<LiveDashboard {...props} final={final} />);
        const exited = instance.waitUntilExit();
        instance.unmount();
        await exited;
      })();
      return stopped;
    },
  };
}
