import type { Writable } from 'node:stream';

/**
 * Io is everything a command touches outside the process: output streams, the
 * environment, the working directory, whether stdout is a terminal, and the
 * interrupt signal (Ctrl-C). Commands get it passed in, so tests run them
 * in-process with captured output.
 */
export interface Io {
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** interrupt aborts on Ctrl-C (or SIGTERM); commands stop cleanly and still write results. */
  interrupt: AbortSignal;
}

/** ExitCode is the process exit status every command returns. */
export const ExitCode = {
  pass: 0,
  verdictFailed: 1,
  usage: 2,
  /** inconclusive: the run could not judge the rollout (the generator fell short, or the baseline already failed). */
  inconclusive: 3,
  interrupted: 130,
} as const;

/** createProcessIo wires Io to the real process, with Ctrl-C turned into an abort. */
export function createProcessIo(): Io & { dispose(): void } {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping and writing results (again to force quit)\n`);
      controller.abort(new Error('interrupted'));
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interrupt: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
