import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { UsageError } from '../../errors.js';
import { epochNowMs } from '../../results/clock.js';
import type { PodExit, PodHandle, PodRuntime, PreStopResult } from './pod-runtime.js';
import { childPids, freePort, killGroup, pidsInGroup, signalPid, sleepMs } from './proc.js';

/** ProcessRuntimeOptions says what each pod runs and how namespaces are made. */
export interface ProcessRuntimeOptions {
  /** argv is PID 1's command line, e.g. ['/…/entrypoint-shell.sh'] or ['/bin/sh', '-c', userCmd]. */
  argv: string[];
  /** cwd is the pods' working directory. */
  cwd: string;
  /** inheritEnv is the host environment the pods may see a few basics of (PATH, HOME, LANG…). */
  inheritEnv: Record<string, string | undefined>;
  /** userNamespace adds `--user --map-root-user` (default: when not running as root). */
  userNamespace?: boolean;
}

// When unshare's child dies of SIGKILL, util-linux 2.38 cannot re-raise it and
// exits 1 with this message; any other signal it re-raises on itself.
const UNSHARE_SIGKILL_MESSAGE = 'sigprocmask unblock failed';
const BASIC_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER'];

/**
 * createProcessRuntime runs each pod as a real process that is PID 1 of its
 * own PID namespace, as a container's entrypoint is: a shell entrypoint ignores
 * SIGTERM here exactly as in a container. Launch chain, all in one process
 * group of its own: `setpriv --pdeathsig KILL` (if rollcheck dies, so do the
 * pods) → `unshare --pid --fork --kill-child --mount-proc` → `sh -c 'exec …'`
 * (only to send the app's output to the pod log) → the entrypoint as PID 1.
 */
export function createProcessRuntime(options: ProcessRuntimeOptions): PodRuntime {
  const userNs = options.userNamespace ?? process.getuid?.() !== 0;
  const live = new Map<number, { handle: PodHandle; pgid: number }>();
  const hooks = new Set<number>();

  const nsArgs = (): string[] => [
    '--pdeathsig', 'KILL', '--', 'unshare', ...(userNs ? ['--user', '--map-root-user'] : []),
    '--pid', '--fork', '--kill-child', '--mount-proc', '--',
  ];

  return {
    kind: 'process',
    async check() {
      const { code, stderr, spawnError } = await runQuiet('setpriv', [...nsArgs(), 'true'], { PATH: options.inheritEnv.PATH ?? '' });
      if (spawnError === 'ENOENT') {
        throw new UsageError('the process runtime needs setpriv and unshare (util-linux); install util-linux or use --runtime podman');
      }
      if (code !== 0) {
        const why = stderr.trim().split('\n').pop() ?? `exit ${code}`;
        throw new UsageError(
          `cannot create a PID namespace (${why}); run as root or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or use --runtime podman`,
        );
      }
    },
    async start(spec) {
      const port = await freePort(spec.hostIp);
      const env: Record<string, string> = {};
      for (const k of BASIC_ENV) if (options.inheritEnv[k] !== undefined) env[k] = options.inheritEnv[k] as string;
      Object.assign(env, spec.env, { HOST: spec.hostIp, PORT: String(port), POD_NAME: spec.name });
      const logFd = openSync(spec.logPath, 'a');
      let child: ChildProcess;
      try {
        const wrap = ['/bin/sh', '-c', 'log=$1; shift; exec "$@" >>"$log" 2>&1', 'pod', spec.logPath];
        child = spawn('setpriv', [...nsArgs(), ...wrap, ...options.argv], {
          cwd: options.cwd,
          env,
          detached: true, // own process group and session: Ctrl-C in the terminal does not reach pods
          stdio: ['ignore', logFd, 'pipe'],
        });
      } finally {
        closeSync(logFd);
      }
      const pgid = child.pid;
      if (pgid === undefined) throw new UsageError(`cannot start pod ${spec.name}: setpriv/unshare did not start; install util-linux`);
      const exited = watchExit(child);
      const pid1 = await findPid1(pgid, exited);
      if (pid1 === undefined) {
        const exit = await exited;
        // No word from unshare: its child ran and exited before we saw it (an app that dies at once).
        if (exit.launcherError) {
          throw new UsageError(`cannot start pod ${spec.name}: unshare failed (${exit.launcherError}); run as root or use --runtime podman`);
        }
      }
      const handle: PodHandle = {
        name: spec.name,
        address: { host: spec.hostIp, port },
        pid: pid1,
        signal: (sig) => {
          if (pid1 !== undefined) signalPid(pid1, sig);
        },
        exited: exited.then(({ launcherError: _l, ...exit }) => exit),
        execPreStop: (command, signal) =>
          pid1 === undefined ? Promise.resolve({ ok: false, error: 'the pod is not running' }) : execInPod(pid1, command, env, spec.logPath, signal),
        pids: () => pidsInGroup(pgid),
      };
      live.set(pgid, { handle, pgid });
      void handle.exited.then(() => {
        // The namespace is gone with PID 1; sweep the group for anything that escaped it.
        killGroup(pgid, 'SIGKILL');
        live.delete(pgid);
      });
      return handle;
    },
    async cleanupAll() {
      for (const pgid of hooks) killGroup(pgid, 'SIGKILL');
      const waits = [...live.values()].map(({ handle, pgid }) => {
        killGroup(pgid, 'SIGKILL');
        return handle.exited;
      });
      await Promise.all(waits);
    },
  };

  function execInPod(
    pid1: number,
    command: string,
    env: Record<string, string>,
    logPath: string,
    signal: AbortSignal,
  ): Promise<PreStopResult> {
    const logFd = openSync(logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        'setpriv',
        ['--pdeathsig', 'KILL', '--', 'nsenter', '--target', String(pid1), '--pid', '--mount', ...(userNs ? ['--user', '--preserve-credentials'] : []), '--', '/bin/sh', '-c', command],
        { cwd: options.cwd, env, detached: true, stdio: ['ignore', logFd, logFd] },
      );
    } finally {
      closeSync(logFd);
    }
    const pgid = child.pid;
    if (pgid !== undefined) hooks.add(pgid);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (err) => resolve({ ok: false, error: `cannot run the preStop hook: ${err.message}` }));
      child.once('close', (code, sig) => {
        signal.removeEventListener('abort', onAbort);
        if (pgid !== undefined) hooks.delete(pgid);
        if (signal.aborted) resolve({ ok: false, error: 'killed: the grace period ran out during the preStop hook' });
        else if (code === 0) resolve({ ok: true });
        else resolve({ ok: false, error: sig ? `preStop hook killed by ${sig}` : `preStop hook exited with code ${code}` });
      });
    });
  }
}

type LauncherExit = PodExit & { launcherError: string };

/** watchExit turns the launcher's end into PID 1's exit status, timed when the launcher exited. */
function watchExit(child: ChildProcess): Promise<LauncherExit> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    let exitEpochMs = 0;
    child.once('exit', () => (exitEpochMs = epochNowMs()));
    child.once('error', (err) => resolve({ exitCode: null, signal: null, epochMs: epochNowMs(), launcherError: err.message }));
    child.once('close', (code, sig) => {
      const epochMs = exitEpochMs || epochNowMs();
      const launcherError = stderr.trim();
      if (code === 1 && launcherError.includes(UNSHARE_SIGKILL_MESSAGE)) {
        resolve({ exitCode: 137, signal: 'SIGKILL', epochMs, launcherError: '' });
      } else if (sig) {
        resolve({ exitCode: 128 + (osConstants.signals[sig] ?? 0), signal: sig, epochMs, launcherError });
      } else {
        resolve({ exitCode: code, signal: null, epochMs, launcherError });
      }
    });
  });
}

/** findPid1 waits for unshare to fork the namespace's PID 1 and returns its host PID. */
async function findPid1(unsharePid: number, exited: Promise<unknown>): Promise<number | undefined> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 2000 && !gone; i += 1) {
    const kids = childPids(unsharePid);
    if (kids.length > 0) return kids[0];
    await sleepMs(i < 50 ? 1 : 5);
  }
  return undefined;
}

/** runQuiet runs a short command and collects its exit code and stderr. */
function runQuiet(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; spawnError?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stderr, spawnError: err.code ?? err.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
