import { readFileSync, readlinkSync } from 'node:fs';
import type { Pid1Facts, ProcessFacts } from '../../results/events.js';
import { MAX_CHILDREN, processFacts, roleOf } from '../pid1-facts.js';
import { childPids } from './proc.js';

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
function readProcess(pid: number): ProcessFacts | null {
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
  return processFacts(pid, status, cmdline, exe);
}
