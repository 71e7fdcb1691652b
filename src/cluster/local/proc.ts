import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { UsageError } from '../../errors.js';
import { childrenOf } from '../pid1-facts.js';

/** childPids lists the direct children of `pid` (all its threads), from /proc; [] once it is gone. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      out.push(...childrenOf(readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')));
    } catch {
      // the thread or the process went away between the two reads
    }
  }
  return out;
}

/** pidsInGroup lists every live process whose process group is `pgid` (zombies excluded). */
export function pidsInGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' && Number(rest[2]) === pgid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** killGroup sends `sig` to every process of group `pgid`; false when none was left. */
export function killGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/** signalPid sends `sig` to one process, ignoring a process that is already gone. */
export function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already exited
  }
}

/** freePort asks the kernel for a free TCP port on `host` (the port is released again at once). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot bind ${host} (${err.code ?? err.message}); is the loopback interface up?`)),
    );
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** sleepMs resolves after `ms`. */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
