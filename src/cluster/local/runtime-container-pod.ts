import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { epochNowMs } from '../../results/clock.js';
import type { PodExit, PodHandle, PodSignal, PreStopResult } from './pod-runtime.js';
import type { ContainerCli } from './runtime-container-cli.js';
import { firstLine } from './runtime-container-cli.js';

/** ContainerExit is a PodExit plus the container status's reason (OOMKilled) when it has one. */
export interface ContainerExit extends PodExit {
  reason?: string;
}

/** ContainerPodOptions describe one container that `engine run -d` has just started. */
export interface ContainerPodOptions {
  cli: ContainerCli;
  name: string;
  /** containerName is the engine's name for it (unique on the host). */
  containerName: string;
  address: { host: string; port: number };
  pid?: number;
  /**
   * directSignals sends signals with kill(2) to PID 1's host PID, which is what
   * `engine kill` does through the OCI runtime, without the CLI's 50-200 ms
   * start-up: the SIGTERM and SIGKILL times in the events are then exact.
   * Falls back to `engine kill --signal` when the PID cannot be signalled.
   */
  directSignals?: boolean;
  logPath: string;
  startedEpochMs: number;
  /** onGone is called once the container has exited and been removed. */
  onGone(): void;
}

const SIGNAL_NUMBER: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  15: 'SIGTERM',
};

/**
 * createContainerPod makes the PodHandle of a running container: signals go
 * through `engine kill --signal`, the exit comes from `engine wait` and
 * `inspect` (exit code, OOMKilled, the engine's own FinishedAt time), logs are
 * followed into the pod's log file, and the container is removed once it is gone.
 */
export function createContainerPod(
  o: ContainerPodOptions,
): PodHandle & { readonly exited: Promise<ContainerExit> } {
  let done = false;
  // Signals go out in order: a SIGKILL right after a SIGTERM must not overtake it.
  let signals: Promise<unknown> = Promise.resolve();
  const logs = followLogs(o.cli, o.containerName, o.logPath);
  const exited = awaitExit(o, logs).then((exit) => {
    done = true;
    return exit;
  });
  return {
    name: o.name,
    address: o.address,
    pid: o.pid,
    exited,
    signal(sig: PodSignal): void {
      if (done) return;
      // The kubelet asks the runtime to signal the container's PID 1; so do we.
      if (o.directSignals && o.pid && signalPid(o.pid, sig)) return;
      const args = ['kill', '--signal', sig.replace(/^SIG/, ''), o.containerName];
      signals = signals.then(() => (done ? undefined : o.cli.run(args, { timeoutMs: 30_000 })));
    },
    execPreStop: (command, signal) => execPreStop(o.cli, o.containerName, command, signal),
  };
}

/** signalPid delivers `sig` to a host PID; false when it cannot (not permitted, gone). */
function signalPid(pid: number, sig: PodSignal): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

async function awaitExit(o: ContainerPodOptions, logs: LogFollower): Promise<ContainerExit> {
  // `wait` has no useful timeout: a container may run for the whole session.
  const waited = await o.cli.run(['wait', o.containerName], { timeoutMs: 7 * 24 * 3_600_000 });
  const seenEpochMs = epochNowMs();
  const state = await inspectState(o.cli, o.containerName);
  const waitedCode = waited.code === 0 ? Number(waited.stdout.trim().split('\n').pop()) : NaN;
  const exitCode = state?.exitCode ?? (Number.isInteger(waitedCode) ? waitedCode : null);
  const exit: ContainerExit = {
    exitCode,
    signal:
      exitCode !== null && exitCode > 128
        ? (SIGNAL_NUMBER[exitCode - 128] ?? `signal ${exitCode - 128}`)
        : null,
    epochMs: pickExitTime(state?.finishedEpochMs, o.startedEpochMs, seenEpochMs),
  };
  if (state?.oomKilled) exit.reason = 'OOMKilled';
  // The follower flushes the last lines, then ends; `logs -f` of a force-removed container may hang instead.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([logs.done, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
  clearTimeout(timer);
  logs.stop();
  await o.cli.run(['rm', '-f', o.containerName], { timeoutMs: 30_000 });
  o.onGone();
  return exit;
}

/** pickExitTime prefers the engine's own FinishedAt (ns precision) when it is plausible. */
function pickExitTime(
  finishedEpochMs: number | undefined,
  startedEpochMs: number,
  seenEpochMs: number,
): number {
  if (finishedEpochMs === undefined || !Number.isFinite(finishedEpochMs)) return seenEpochMs;
  if (finishedEpochMs < startedEpochMs - 1_000 || finishedEpochMs > seenEpochMs + 50)
    return seenEpochMs;
  return Math.min(finishedEpochMs, seenEpochMs);
}

interface StateFacts {
  exitCode: number | null;
  oomKilled: boolean;
  finishedEpochMs?: number;
}

async function inspectState(cli: ContainerCli, containerName: string): Promise<StateFacts | null> {
  const r = await cli.run(['inspect', '--format', '{{json .State}}', containerName], {
    timeoutMs: 30_000,
  });
  if (r.code !== 0) return null;
  try {
    const s = JSON.parse(r.stdout) as {
      ExitCode?: number;
      OOMKilled?: boolean;
      FinishedAt?: string;
    };
    return {
      exitCode: typeof s.ExitCode === 'number' ? s.ExitCode : null,
      oomKilled: s.OOMKilled === true,
      finishedEpochMs: s.FinishedAt ? parseIsoNanos(s.FinishedAt) : undefined,
    };
  } catch {
    return null;
  }
}

/** parseIsoNanos reads an RFC 3339 time with up to 9 fractional digits into fractional epoch ms. */
export function parseIsoNanos(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text.trim());
  if (!m) return Date.parse(text);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const frac = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + frac;
}

interface LogFollower {
  done: Promise<void>;
  stop(): void;
}

/** followLogs appends the container's stdout and stderr to the pod's log file while it runs. */
function followLogs(cli: ContainerCli, containerName: string, logPath: string): LogFollower {
  let fd: number;
  try {
    fd = openSync(logPath, 'a');
  } catch {
    return { done: Promise.resolve(), stop: () => undefined };
  }
  const child = spawn(cli.path, ['logs', '--follow', containerName], {
    env: cli.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let ended = false;
  const done = new Promise<void>((resolve) => {
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  }).then(() => void (ended = true));
  return { done, stop: () => void (ended || child.kill('SIGKILL')) };
}

async function execPreStop(
  cli: ContainerCli,
  containerName: string,
  command: string,
  signal: AbortSignal,
): Promise<PreStopResult> {
  if (signal.aborted) return { ok: false, error: 'aborted before it started' };
  const r = await cli.run(['exec', containerName, 'sh', '-c', command], {
    timeoutMs: 24 * 3_600_000,
    signal,
  });
  if (signal.aborted) return { ok: false, error: 'aborted: the grace period ended first' };
  if (r.code === 0) return { ok: true };
  const why = firstLine(r.stderr);
  if (r.code === 126 || r.code === 127) {
    return {
      ok: false,
      error: `cannot run "sh -c ${command}" in the container (exit ${r.code}${why ? `: ${why}` : ''})`,
    };
  }
  return { ok: false, error: `exit code ${String(r.code)}${why ? `: ${why}` : ''}` };
}
