import type { Io } from '../../io.js';
import type { LiveView } from '../../results/live.js';
import type { Results } from '../../results/types.js';

/**
 * Output is one place a run's results go: the results file, the HTML report, the
 * terminal summary, and whatever a flag adds (JUnit, Markdown, live metrics).
 * The run calls every output in a loop and knows none of them by name, so adding
 * one touches the output and the flag that asks for it. Only `finish` is required;
 * the rest are abilities an output has when it needs them.
 */
export interface Output {
  /** name says which output failed, in an error. */
  readonly name: string;
  /** check fails before any traffic when the output could not be written (a missing folder): a UsageError. */
  check?(): void;
  /** start is called once traffic is about to begin, with the live view (for outputs that show the run as it goes). */
  start?(live: LiveView): Promise<void> | void;
  /**
   * judge may change the analysed verdict before any output writes (a baseline's regressions join it), so that the
   * results file, the report, every other output and the exit code agree. Called for every output before the first finish.
   */
  judge?(results: Results): void;
  /** finish gets the analysed results and the paths written so far; it adds what it wrote to `run.written`. */
  finish(run: FinishedRun): Promise<void> | void;
  /** stop releases what start took (a server); called after finish, and on a failed run too. */
  stop?(): Promise<void> | void;
}

/** Written is one file an output wrote, for the lines that tell the user where things are. */
export interface Written {
  /** label names it in the closing lines: `results`, `report`, `junit`, … */
  label: string;
  path: string;
}

/** FinishedRun is what every output's finish gets. */
export interface FinishedRun {
  results: Results;
  /** resultsPath is where the results file goes (other files are named after it). */
  resultsPath: string;
  io: Io;
  /** screen is true when the live dashboard owns the terminal and shows the summary itself. */
  screen: boolean;
  /** written grows as outputs finish, in order: a later output (the terminal summary) lists the earlier ones' files. */
  written: Written[];
}

/** OutputSet runs a list of outputs in order: check, start, finish and stop, each over all of them. */
export interface OutputSet {
  check(): void;
  start(live: LiveView): Promise<void>;
  /** finish runs every output's judge, then every output's finish in order and returns the files written; the first error stops the loop and is thrown. */
  finish(run: Omit<FinishedRun, 'written'>): Promise<Written[]>;
  /** stop stops every output that started; it never throws (a failure is passed to `warn`). */
  stop(warn: (message: string) => void): Promise<void>;
}

/** createOutputSet wraps `outputs`; stop reaches only those whose start was called, as k6's output manager does. */
export function createOutputSet(outputs: readonly Output[]): OutputSet {
  const started: Output[] = [];
  return {
    check() {
      for (const o of outputs) o.check?.();
    },
    async start(live) {
      for (const o of outputs) {
        started.push(o);
        await o.start?.(live);
      }
    },
    async finish(run) {
      const full: FinishedRun = { ...run, written: [] };
      for (const o of outputs) o.judge?.(full.results);
      for (const o of outputs) await o.finish(full);
      return full.written;
    },
    async stop(warn) {
      for (const o of started.splice(0).reverse()) {
        try {
          await o.stop?.();
        } catch (e) {
          warn(`${o.name} output: stop failed: ${String(e)}`);
        }
      }
    },
  };
}
