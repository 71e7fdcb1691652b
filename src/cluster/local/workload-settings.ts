import { UsageError } from '../../errors.js';
import { parseNonNegative, parsePositive } from '../../parse.js';
import type { CountOrPercent, LocalRuntimeSettings, LocalWorkloadKind, PdbSpec, PdbValue } from './settings.js';

/** LOCAL_WORKLOAD_KINDS are the controllers the embedded runtime plays. */
export const LOCAL_WORKLOAD_KINDS: readonly LocalWorkloadKind[] = ['deployment', 'statefulset', 'daemonset'];

/** WorkloadText is the workload flags (or scenario keys) as written, each absent when not given. */
export interface WorkloadText {
  workload?: string;
  nodes?: string;
  partition?: string;
  pdb?: string;
  trafficPolicy?: string;
  maxSurge?: string;
  maxUnavailable?: string;
}

/** WorkloadSettings is the part of LocalRuntimeSettings the workload flags decide. */
export type WorkloadSettings = Pick<LocalRuntimeSettings, 'ordinals' | 'daemon' | 'nodes' | 'pdb' | 'trafficPolicy' | 'maxSurge' | 'maxUnavailable'>;

/**
 * readWorkloadSettings validates the workload flags; `name(key)` is how the
 * message names a key (`--pdb` or `pdb`), `countOrPercent` reads a strategy
 * value. A DaemonSet's strategy defaults to
 * maxUnavailable 1, maxSurge 0, as apps/v1 does; a Deployment's to 25 %/25 %.
 */
export function readWorkloadSettings(
  t: WorkloadText,
  name: (key: string) => string,
  countOrPercent: (text: string, key: string) => CountOrPercent,
): WorkloadSettings {
  const kind = (t.workload ?? 'deployment') as LocalWorkloadKind;
  if (!LOCAL_WORKLOAD_KINDS.includes(kind)) throw new UsageError(`${name('workload')}: "${t.workload}" is not a workload kind; use ${LOCAL_WORKLOAD_KINDS.join(', ')}`);
  const nodes = t.nodes === undefined ? 1 : parsePositive(t.nodes, name('nodes'), true);
  if (nodes > 50) throw new UsageError(`${name('nodes')}: ${nodes} nodes is more than one machine can pretend to be; use at most 50`);
  if (t.partition !== undefined && kind !== 'statefulset') throw new UsageError(`${name('partition')}: only a StatefulSet has a partition; add ${name('workload')} statefulset or remove it`);
  const daemon = kind === 'daemonset';
  const maxSurge = countOrPercent(t.maxSurge ?? (daemon ? '0' : '25%'), 'max-surge');
  const maxUnavailable = countOrPercent(t.maxUnavailable ?? (daemon ? '1' : '25%'), 'max-unavailable');
  const node = t.trafficPolicy === undefined ? undefined : readTrafficPolicy(t.trafficPolicy, name('traffic-policy'));
  return {
    ...(kind === 'statefulset' ? { ordinals: { partition: t.partition === undefined ? 0 : parseNonNegative(t.partition, name('partition'), true) } } : {}),
    ...(daemon ? { daemon: true } : {}),
    nodes,
    ...(t.pdb !== undefined ? { pdb: parsePdb(t.pdb, name('pdb')) } : {}),
    ...(node ? { trafficPolicy: { node } } : {}),
    maxSurge,
    maxUnavailable,
  };
}

/** parsePdb reads `max-unavailable=N` or `min-available=N`, N a count or a percentage (`25%`), as a PodDisruptionBudget's spec takes them. */
export function parsePdb(text: string, flag: string): PdbSpec {
  const m = /^(max-unavailable|min-available)=(\d+)(%?)$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a budget; use max-unavailable=N or min-available=N (N a count or a percentage), e.g. max-unavailable=1`);
  const n = Number(m[2]);
  if (m[3] === '%' && n > 100) throw new UsageError(`${flag}: ${n}% is more than every pod; use a percentage up to 100%`);
  const value: PdbValue = m[3] === '%' ? `${n}%` : n;
  if (m[1] === 'max-unavailable') {
    if (n === 0) throw new UsageError(`${flag}: max-unavailable=${value} forbids every eviction, so a drain never finishes; use max-unavailable=1`);
    return { maxUnavailable: value };
  }
  return { minAvailable: value };
}

/** readTrafficPolicy reads `local` (traffic enters on node-1) or `local=NODE`; it returns the node. */
function readTrafficPolicy(text: string, flag: string): string {
  const m = /^local(?:=(\S+))?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a policy; use local (traffic enters on node-1) or local=NODE`);
  return m[1] ?? 'node-1';
}
