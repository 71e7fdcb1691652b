import { describeTemplate } from './pod-template.js';
import { appsKind } from './apps-kind.js';
import type { DaemonSetLike } from './daemonset-status.js';
import { daemonSetCounts, daemonSetState } from './daemonset-status.js';
import { STRATEGIC_MERGE } from './template-trigger.js';
import type { WorkloadKind } from './workload-kind.js';

/**
 * daemonSetKind is the DaemonSet (apps/v1): one pod per node; a rolling
 * update deletes up to maxUnavailable old pods before their replacements
 * start (the node has no pod meanwhile) unless maxSurge starts the new one
 * first. Triggers PATCH the template as kubectl does.
 */
export const daemonSetKind: WorkloadKind<DaemonSetLike> = appsKind<DaemonSetLike>({
  kind: 'daemonset',
  resource: 'daemonsets',
  read: (api, name) => api.apps.readNamespacedDaemonSet({ name, namespace: api.namespace }, api.options()),
  listAll: (api, fieldSelector) => api.apps.listNamespacedDaemonSet({ namespace: api.namespace, ...(fieldSelector ? { fieldSelector } : {}) }, api.options()),
  patch: (api, name, body, fieldManager) =>
    api.apps.patchNamespacedDaemonSet({ name, namespace: api.namespace, body, ...(fieldManager ? { fieldManager } : {}) }, api.options(STRATEGIC_MERGE)),
  state: daemonSetState,
  progress: daemonSetCounts,
  revision: (d) => `generation ${d.metadata?.generation ?? 0}`,
  describe: describeDaemonSet,
});

/** describeDaemonSet collects the facts that decide whether a DaemonSet's update can drop requests, and warnings. */
export function describeDaemonSet(d: DaemonSetLike, appName?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] } {
  const template = describeTemplate(d, appName);
  const strategy = d.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const rolling = d.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = String(rolling?.maxSurge ?? 0);
  const warnings = [...template.warnings];
  // Without surge an old pod goes before its replacement starts: node-local traffic on that node has nowhere to go.
  if (strategy === 'RollingUpdate' && (maxSurge === '0' || maxSurge === '0%')) warnings.push('the DaemonSet updates without maxSurge: each node has no pod of it while its pod is replaced');
  return {
    facts: {
      replicas: d.status?.desiredNumberScheduled ?? 0,
      updateStrategy: strategy,
      maxUnavailable: String(rolling?.maxUnavailable ?? 1),
      maxSurge,
      ...template.facts,
    },
    warnings,
  };
}
