// The pure half of PID 1 inspection, shared by both drivers: the embedded
// runtime reads /proc on the host (local/pid1-inspect.ts), the Kubernetes driver
// reads the same files through pods/exec (kube/pid1-exec.ts). Both turn the text
// into Pid1Facts here, so a shell or a SIGTERM handler is told apart one way.
import { basename } from 'node:path';
import type { Pid1Facts, ProcessFacts, SigtermDisposition } from '../results/events.js';

const SIGTERM_BIT = 1n << 14n; // signal 15; /proc masks number signals from bit 0 = signal 1
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit', 'docker-init', 's6-svscan', 'runit-init']);
// The pod sandbox's own PID 1 when the pod shares one process namespace (shareProcessNamespace: true).
const PAUSE = new Set(['pause']);

/** MAX_CHILDREN bounds how many of PID 1's children an inspection reads. */
export const MAX_CHILDREN = 8;

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

/** statusField reads one numeric field (`PPid`, `Pid`) of a /proc/<pid>/status text, null when absent. */
export function statusField(status: string, name: string): number | null {
  const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status);
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

/** argvOf splits a /proc/<pid>/cmdline text (NUL-separated, NUL-terminated) into argv. */
export function argvOf(cmdline: string): string[] {
  return cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
}

/** processFacts is one process's facts from its status and cmdline texts and its executable (null: unreadable). */
export function processFacts(pid: number, status: string, cmdline: string, exe: string | null): ProcessFacts {
  return { pid, exe, argv: argvOf(cmdline), sigterm: sigtermDisposition(status) };
}

/** roleOf tells a shell (by its argv[0] or executable, busybox included) or a known init from the app. */
export function roleOf(p: ProcessFacts): Pid1Facts['role'] {
  const names = [p.argv[0] ?? '', p.exe ?? ''].map((n) => basename(n).replace(/^-/, ''));
  const exeName = basename(p.exe ?? '');
  if (names.some((n) => SHELLS.has(n)) && !(exeName === 'busybox' && !SHELLS.has(names[0] ?? ''))) return 'shell';
  if (names.some((n) => INITS.has(n))) return 'init';
  return 'app';
}

/** isPauseProcess: the process is the pod sandbox's pause process, PID 1 only when the pod shares its process namespace. */
export function isPauseProcess(p: ProcessFacts): boolean {
  return [p.argv[0] ?? '', p.exe ?? ''].some((n) => PAUSE.has(basename(n)));
}

/** childrenOf reads a /proc/<pid>/task/<tid>/children text: the PIDs, in order. */
export function childrenOf(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
}
