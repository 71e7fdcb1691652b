// Helpers for tests of the embedded ingress: find every process a proxy left behind.
import { readdirSync, readlinkSync } from 'node:fs';
import type { ClusterEvent } from '../../../src/results/events.js';

/** processesInDir lists live processes whose working directory is `dir` (a proxy's master and workers share it). */
export function processesInDir(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`).replace(/ \(deleted\)$/, '');
      if (cwd === dir) out.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** ingressLeftovers lists the processes of every ingress a run started that are still alive. */
export function ingressLeftovers(events: readonly ClusterEvent[]): number[] {
  return events.flatMap((e) => (e.kind === 'ingress' && e.action === 'started' && e.workDir ? processesInDir(e.workDir) : []));
}
