import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import type { Pid1Facts, ProcessFacts, SigtermDisposition } from '../../results/events.js';
import { childPids } from './proc.js';

const SIGTERM_BIT = 1n << 14n; // signal 15; /proc masks number signals from bit 0 = signal 1
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit', 'docker-init', 's6-svscan', 'runit-init']);
const MAX_CHILDREN = 8;

/**
 * inspectPid1 reads a pod's PID 1 (its host PID) from /proc: executable,
 * argv, what it does with SIGTERM, whether it is a shell or a known init, and
 * its children with the same facts. Null when the process is gone or /proc
 * cannot be read (another user's container).
 */
export function inspectPid1(hostPid: number): Pid1Facts | null {
  const self = readProcess(hostPid);
  if (self === null) return null;
  const children = childPids(hostPid)
    .slice(0, MAX_CHILDREN)
    .map(readProcess)
    .filter((p): p is ProcessFacts => p !== null);
  return { ...self, role: roleOf(self), children };
}

/** readProcess reads one process's facts, or null when it is gone. */
export function readProcess(pid: number): ProcessFacts | null {
  let status: string;
  let cmdline: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  let exe: string | null = null;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // not ours to read (ptrace rules), or a zombie: argv still says what it is
  }
  const argv = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  return { pid, exe, argv, sigterm: sigtermDisposition(status) };
}

/** sigtermDisposition reads SigBlk, SigIgn and SigCgt of a /proc/<pid>/status text for SIGTERM. */
export function sigtermDisposition(status: string): SigtermDisposition {
  const mask = (name: string): bigint => {
    const m = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status);
    return m?.[1] !== undefined ? BigInt(`0x${m[1]}`) : 0n;
  };
  if ((mask('SigIgn') & SIGTERM_BIT) !== 0n) return 'ignored';
  if ((mask('SigCgt') & SIGTERM_BIT) !== 0n) return 'handled';
  if ((mask('SigBlk') & SIGTERM_BIT) !== 0n) return 'blocked';
  return 'default';
}

/** roleOf tells a shell (by its argv[0] or executable, busybox included) or a known init from the app. */
export function roleOf(p: ProcessFacts): Pid1Facts['role'] {
  const names = [p.argv[0] ?? '', p.exe ?? ''].map((n) => basename(n).replace(/^-/, ''));
  const exeName = basename(p.exe ?? '');
  if (names.some((n) => SHELLS.has(n)) && !(exeName === 'busybox' && !SHELLS.has(names[0] ?? ''))) return 'shell';
  if (names.some((n) => INITS.has(n))) return 'init';
  return 'app';
}
