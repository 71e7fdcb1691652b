import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunnerSpec } from '../traffic/runner-protocol.js';
import type { RunnerChannel, RunnerLauncher } from './runner-fleet.js';

// The CLI entry next to the running code: src/cli/entry.ts through tsx from source, dist/cli/entry.js built.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = fileURLToPath(new URL(`../cli/entry${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url));

/** rollcheckArgv is how to start this rollcheck as a child process: [node, ...args]. */
export function rollcheckArgv(args: string[]): [string, string[]] {
  const loader = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, [...loader, ENTRY, ...args]];
}

/**
 * createLocalRunners launches each runner as a child process of this one
 * (`rollcheck runner`), the same command a Job's pods run; the fleet tells them
 * the common start on stdin, and a child whose stdin closes stops by itself.
 */
export function createLocalRunners(options: { env?: NodeJS.ProcessEnv } = {}): RunnerLauncher {
  const children: ChildProcess[] = [];
  return {
    startDelayMs: null,
    clockMethod: 'same host: start line round trip',
    async launch(specs: RunnerSpec[]): Promise<RunnerChannel[]> {
      return specs.map((spec) => {
        const [cmd, argv] = rollcheckArgv(['runner', '--spec', JSON.stringify(spec)]);
        const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...(options.env ?? process.env), CI: '1' } });
        children.push(child);
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
        child.stdin?.on('error', () => undefined);
        const exited = new Promise<string>((resolve) => {
          child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited ${code}`));
          child.once('error', (e) => resolve(`could not start: ${e.message}`));
        });
        const lines = createInterface({ input: child.stdout! });
        // One SIGTERM only: a second one makes the CLI quit at once, without its final record.
        let stopSent = false;
        return {
          index: spec.index,
          name: `pid ${child.pid ?? '?'}`,
          lines,
          start: (at, warmupMs) => void child.stdin?.write(`start ${at} ${warmupMs}\n`),
          end: (atMs) => void child.stdin?.write(`end ${atMs}\n`),
          stop: () => {
            if (stopSent || child.exitCode !== null || child.signalCode !== null) return;
            stopSent = true;
            child.kill('SIGTERM');
          },
          goneReason: async () => {
            const how = await exited;
            const last = stderr.trim().split('\n').pop();
            return last ? `${how} (${last})` : how;
          },
        };
      });
    },
    async cleanup() {
      await Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return;
          const gone = new Promise((r) => c.once('exit', r));
          c.kill('SIGKILL');
          await gone;
        }),
      );
    },
  };
}
