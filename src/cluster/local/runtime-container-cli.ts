import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** ContainerEngine is a container CLI rollcheck can drive; both take the same commands. */
export type ContainerEngine = 'podman' | 'docker';

/** CliResult is one finished engine command. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** timedOut is true when the command was killed for taking longer than its timeout. */
  timedOut: boolean;
}

/** CliRunOptions bound one engine command. */
export interface CliRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** ContainerCli runs one engine's commands with a fixed environment. */
export interface ContainerCli {
  readonly engine: ContainerEngine;
  /** path is the engine binary's absolute path. */
  readonly path: string;
  readonly env: Record<string, string>;
  /** run runs `engine ...args` and resolves when it ends (never rejects on a non-zero exit). */
  run(args: string[], options?: CliRunOptions): Promise<CliResult>;
  /** runSync runs a command synchronously, for the process-exit cleanup path only. */
  runSync(args: string[], timeoutMs?: number): CliResult;
}

/** findExecutable looks `name` up on PATH, as a shell would; null when absent. */
export function findExecutable(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** createContainerCli wraps the engine binary at `path`, run with `env`. */
export function createContainerCli(
  engine: ContainerEngine,
  path: string,
  env: Record<string, string>,
): ContainerCli {
  return {
    engine,
    path,
    env,
    run: (args, options = {}) => runCommand(path, args, env, options),
    runSync(args, timeoutMs = 20_000) {
      const r = spawnSync(path, args, { env, timeout: timeoutMs, encoding: 'utf8' });
      return {
        code: r.status,
        stdout: r.stdout ?? '',
        stderr: r.stderr ?? '',
        timedOut: r.error !== undefined,
      };
    },
  };
}

function runCommand(
  path: string,
  args: string[],
  env: Record<string, string>,
  { timeoutMs = 60_000, signal }: CliRunOptions,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const kill = (): void => void child.kill('SIGKILL');
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    let done = false;
    const finish = (code: number | null, extra = ''): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
        timedOut,
      });
    };
    child.on('error', (e) => finish(null, e.message));
    child.on('close', (code) => finish(code));
  });
}

/** firstLine is the most telling line of an engine's error output (podman prefixes it with "Error: "). */
export function firstLine(text: string): string {
  // logrus-style lines (time=… level=error msg="…") carry the message in msg.
  const logged = /level=(?:error|fatal) msg="((?:[^"\\]|\\.)*)"/.exec(text);
  if (logged?.[1]) return logged[1].replace(/\\"/g, '"');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const error = lines.find((l) => /^error:/i.test(l)) ?? lines[lines.length - 1] ?? '';
  return error.replace(/^error:\s*/i, '');
}
