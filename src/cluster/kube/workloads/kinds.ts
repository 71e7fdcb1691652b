import { UsageError } from '../../../errors.js';
import type { WorkloadRef } from '../../../results/types.js';
import { deploymentKind } from './deployment.js';
import { statefulSetKind } from './statefulset.js';
import { daemonSetKind } from './daemonset.js';
import { rolloutKind } from './rollout.js';
import type { WorkloadKind } from './workload-kind.js';

/** WORKLOAD_KINDS are the kinds the kube driver can roll, by name: the one table a new kind is added to. */
export const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadKind> = new Map<string, WorkloadKind>([
  [deploymentKind.kind, deploymentKind],
  [statefulSetKind.kind, statefulSetKind],
  [daemonSetKind.kind, daemonSetKind],
  [rolloutKind.kind, rolloutKind],
]);

/** workloadKind finds the kind of a workload reference; an unknown kind is a UsageError naming those there are. */
export function workloadKind(ref: WorkloadRef): WorkloadKind {
  const kind = WORKLOAD_KINDS.get(ref.kind);
  if (!kind) throw new UsageError(`"${ref.kind}/${ref.name}": rollcheck cannot roll a ${ref.kind}; roll one of: ${[...WORKLOAD_KINDS.keys()].join(', ')}`);
  return kind;
}
