import { UsageError } from '../../errors.js';
import type { WorkloadRef } from '../../results/types.js';

/** WORKLOAD_KIND_NAMES are the kinds `--workload KIND/NAME` takes (the keys of workloads/kinds.ts, which a test keeps equal), with kubectl's short names. */
export const WORKLOAD_KIND_NAMES: Readonly<Record<string, string>> = {
  deployment: 'deployment',
  deployments: 'deployment',
  deploy: 'deployment',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  sts: 'statefulset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
  ds: 'daemonset',
  rollout: 'rollout',
  rollouts: 'rollout',
  ro: 'rollout',
};

/** parseWorkloadRef reads `KIND/NAME` (kubectl's spelling: `statefulset/web`, `sts/web`); anything else is a UsageError naming the form. */
export function parseWorkloadRef(text: string, flag = '--workload'): WorkloadRef {
  const m = /^([A-Za-z]+)(?:\.apps|\.argoproj\.io)?\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text.trim());
  const kind = m ? WORKLOAD_KIND_NAMES[(m[1] ?? '').toLowerCase()] : undefined;
  if (!m || !kind) {
    const kinds = [...new Set(Object.values(WORKLOAD_KIND_NAMES))].map((k) => `${k}/NAME`).join(', ');
    throw new UsageError(`${flag} "${text}": name the workload as ${kinds}`);
  }
  return { kind, name: m[2] ?? '' };
}
