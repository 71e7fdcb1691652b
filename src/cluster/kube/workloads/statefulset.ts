import { UsageError } from '../../../errors.js';
import type { KubeApi } from '../kube-api.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import { describeTemplate } from './pod-template.js';
import type { StatefulSetLike } from './statefulset-status.js';
import { statefulSetCounts, statefulSetState } from './statefulset-status.js';
import { imageContainer, STRATEGIC_MERGE, templateTriggers, type PatchCall } from './template-trigger.js';
import type { WorkloadKind } from './workload-kind.js';

/**
 * statefulSetKind is the StatefulSet (apps/v1): its pods are replaced one at a
 * time from the highest ordinal down, each deleted before its replacement is
 * created under the same name (no surge), so the run sees every `NAME-i` twice
 * (the pod tracker keys by UID). Triggers PATCH the template as kubectl does.
 */
export const statefulSetKind: WorkloadKind<StatefulSetLike> = {
  kind: 'statefulset',
  resource: 'statefulsets',
  find: readStatefulSet,
  collectionPath: (api) => `/apis/apps/v1/namespaces/${api.namespace}/statefulsets`,
  async list(api, name) {
    const r = await api.apps.listNamespacedStatefulSet({ namespace: api.namespace, fieldSelector: `metadata.name=${name}` }, api.options());
    return { items: r.items as StatefulSetLike[], resourceVersion: r.metadata?.resourceVersion ?? '' };
  },
  preflight(s, namespace) {
    const name = s.metadata?.name ?? '';
    const state = statefulSetState(s);
    if (state.state !== 'complete') {
      throw new UsageError(`statefulset "${name}" is not settled (${state.message}); wait for \`kubectl rollout status -n ${namespace} statefulset/${name}\`, then retry`);
    }
  },
  describe: describeStatefulSet,
  checkTrigger(s, trigger) {
    const name = s.metadata?.name ?? '';
    const strategy = s.spec?.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'OnDelete') throw new UsageError(`statefulset "${name}" has updateStrategy OnDelete: a template change replaces no pod; use --trigger cmd=… that deletes them, or updateStrategy RollingUpdate`);
    if (trigger.kind === 'image') imageContainer(s, 'statefulset', trigger);
  },
  ...templateTriggers<StatefulSetLike>('statefulset', 'statefulsets', patch, (w, t) => statefulSetKind.checkTrigger(w, t)),
  progress: statefulSetCounts,
  state: statefulSetState,
  revision: (s) => s.status?.updateRevision ?? `generation ${s.metadata?.generation ?? 0}`,
};

async function readStatefulSet(api: KubeApi, name: string): Promise<StatefulSetLike> {
  try {
    return (await api.apps.readNamespacedStatefulSet({ name, namespace: api.namespace }, api.options())) as StatefulSetLike;
  } catch (e) {
    if (statusCodeOf(e) !== 404) throw explainKubeError(e, { verb: 'get', resource: 'statefulsets', name, namespace: api.namespace, server: api.access.server });
  }
  const list = await api.call('list', 'statefulsets', (o) => api.apps.listNamespacedStatefulSet({ namespace: api.namespace }, o));
  const names = list.items.map((s) => s.metadata?.name ?? '').filter(Boolean);
  throw new UsageError(`statefulset "${name}" not found in namespace "${api.namespace}"; statefulsets there: ${names.join(', ') || '(none)'} (pick one with --workload statefulset/NAME, or -n NAMESPACE)`);
}

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

// patch sends a strategic merge patch, as `kubectl rollout restart` and `kubectl set image` do.
function patch(...[api, name, body, fieldManager]: Parameters<PatchCall>): Promise<unknown> {
  return api.apps.patchNamespacedStatefulSet({ name, namespace: api.namespace, body, ...(fieldManager ? { fieldManager } : {}) }, api.options(STRATEGIC_MERGE));
}
