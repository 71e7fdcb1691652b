import { describeTemplate } from './pod-template.js';
import { appsKind } from './apps-kind.js';
import type { StatefulSetLike } from './statefulset-status.js';
import { statefulSetCounts, statefulSetState } from './statefulset-status.js';
import { STRATEGIC_MERGE } from './template-trigger.js';
import type { WorkloadKind } from './workload-kind.js';

/**
 * statefulSetKind is the StatefulSet (apps/v1): its pods are replaced one at a
 * time from the highest ordinal down, each deleted before its replacement is
 * created under the same name (no surge), so the run sees every `NAME-i` twice
 * (the pod tracker keys by UID). Triggers PATCH the template as kubectl does.
 */
export const statefulSetKind: WorkloadKind<StatefulSetLike> = appsKind<StatefulSetLike>({
  kind: 'statefulset',
  resource: 'statefulsets',
  read: (api, name) => api.apps.readNamespacedStatefulSet({ name, namespace: api.namespace }, api.options()),
  listAll: (api, fieldSelector) => api.apps.listNamespacedStatefulSet({ namespace: api.namespace, ...(fieldSelector ? { fieldSelector } : {}) }, api.options()),
  patch: (api, name, body, fieldManager) =>
    api.apps.patchNamespacedStatefulSet({ name, namespace: api.namespace, body, ...(fieldManager ? { fieldManager } : {}) }, api.options(STRATEGIC_MERGE)),
  state: statefulSetState,
  progress: statefulSetCounts,
  revision: (s) => s.status?.updateRevision ?? `generation ${s.metadata?.generation ?? 0}`,
  describe: describeStatefulSet,
});

/** describeStatefulSet collects the facts that decide whether a StatefulSet's update can drop requests, and warnings. */
export function describeStatefulSet(s: StatefulSetLike, appName?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] } {
  const template = describeTemplate(s, appName);
  const strategy = s.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const replicas = s.spec?.replicas ?? 1;
  const warnings = [...template.warnings];
  // No surge: each pod is deleted before its replacement starts, so capacity drops by one at every step.
  if (strategy === 'RollingUpdate') warnings.push(`a StatefulSet update has no surge: ${replicas - 1} of ${replicas} pods serve while each one is replaced`);
  return {
    facts: {
      replicas,
      updateStrategy: strategy,
      partition: s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0,
      podManagementPolicy: s.spec?.podManagementPolicy ?? 'OrderedReady',
      ...template.facts,
    },
    warnings,
  };
}
