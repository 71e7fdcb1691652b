import { PassThrough } from 'node:stream';
import { render } from 'ink';
import type { Clock } from '../results/clock.js';
import type { LiveView } from '../results/live.js';
import type { Thresholds } from '../results/types.js';
import type { DashboardFinal } from './final-info.js';
import { LiveDashboard, type LiveDashboardProps } from './live-dashboard.js';

/** InkOptions say what to draw and where. */
export interface InkOptions {
  view: LiveView;
  clock?: Clock;
  title: string;
  tickMs: number;
  color: boolean;
  thresholds?: Thresholds;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** InkDashboard is a mounted dashboard. */
export interface InkDashboard {
  setQuitting(): void;
  /** stop draws the final frame (when given), leaves it on screen and unmounts. */
  stop(final?: DashboardFinal): Promise<void>;
}

/** renderInk mounts LiveDashboard with ink; keys are read by the caller, so ink gets no terminal on stdin. */
export function renderInk(options: InkOptions): InkDashboard {
  const props: LiveDashboardProps = {
    view: options.view,
    title: options.title,
    tickMs: options.tickMs,
    color: options.color,
    thresholds: options.thresholds,
    clock: options.clock,
  };
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const instance = render(<LiveDashboard {...props} />, {
    stdout: options.stdout as NodeJS.WriteStream,
    stderr: options.stderr as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    // Our tick already limits frames; this bounds bursts of resizes.
    maxFps: 10,
  });
  let stopped: Promise<void> | null = null;
  return {
    setQuitting() {
      if (!stopped) instance.rerender(<LiveDashboard {...props} quitting />);
    },
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
