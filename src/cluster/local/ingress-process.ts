import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { childPids, signalPid, sleepMs } from './proc.js';

/** ProxyProcess is a proxy running in the foreground as our child, its output appended to a log file. */
export interface ProxyProcess {
  pid: number;
  signal(sig: NodeJS.Signals): void;
  /** stop sends `first`, then SIGTERM after 2 s, then SIGKILL to it and its children; resolves once it is gone. */
  stop(first: NodeJS.Signals): Promise<void>;
  /** exited resolves with the exit description when the process ends. */
  exited: Promise<string>;
}

/** ProxyProcessOptions: what to run, where its output goes, and the install hint when the command is missing. */
export interface ProxyProcessOptions {
  command: string;
  args: string[];
  /** cwd is the proxy's working folder: its workers keep it, so a test finds every process of it. */
  cwd: string;
  logPath: string;
  missing: string;
}

const STEP_MS = 2000;

/** startProxyProcess spawns the proxy; a missing binary or an immediate exit is a one-line UsageError. */
export async function startProxyProcess(o: ProxyProcessOptions): Promise<ProxyProcess> {
  const fd = openSync(o.logPath, 'a');
  const child = spawn(o.command, o.args, { stdio: ['ignore', fd, fd], cwd: o.cwd });
  closeSync(fd);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code ?? '?'}`));
    child.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT' ? 'missing' : err.message));
  });
  // An nginx with a bad config or a taken port exits within milliseconds.
  const early = await Promise.race([exited, sleepMs(150).then(() => null)]);
  if (early === 'missing') throw new UsageError(`--ingress: ${o.command} is not installed: ${o.missing}`);
  if (early !== null || child.pid === undefined) {
    throw new UsageError(`--ingress: ${o.command} stopped at start (${early ?? 'no pid'}); see ${o.logPath}`);
  }
  const pid = child.pid;
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    pid,
    signal: (sig) => signalPid(pid, sig),
    exited,
    async stop(first) {
      if (gone) return;
      // Workers are the master's children: remember them, so none outlives a SIGKILLed master.
      const workers = childPids(pid);
      for (const sig of [first, 'SIGTERM', 'SIGKILL'] as NodeJS.Signals[]) {
        signalPid(pid, sig);
        if (sig === 'SIGKILL') for (const w of [...workers, ...childPids(pid)]) signalPid(w, 'SIGKILL');
        if (await Promise.race([exited.then(() => true), sleepMs(STEP_MS).then(() => false)])) break;
      }
      await exited;
    },
  };
}
