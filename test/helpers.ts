// Shared test helpers: an in-memory Io whose output the test can read.
import { Writable } from 'node:stream';
import type { Io } from '../src/io.js';

/** TestIo is an Io that captures stdout and stderr as strings. */
export interface TestIo extends Io {
  out(): string;
  err(): string;
  abort(): void;
}

/** createTestIo makes a captured, non-TTY Io with `env` and `cwd`. */
export function createTestIo(options: { env?: Record<string, string>; cwd?: string } = {}): TestIo {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        into.push(chunk.toString());
        cb();
      },
    });
  const controller = new AbortController();
  return {
    stdout: sink(chunks.out),
    stderr: sink(chunks.err),
    env: { CI: 'true', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    interrupt: controller.signal,
    out: () => chunks.out.join(''),
    err: () => chunks.err.join(''),
    abort: () => controller.abort(new Error('interrupted')),
  };
}
