import { UsageError } from '../../../errors.js';
import type { KubeApi } from '../kube-api.js';
import { explainKubeError, statusCodeOf } from '../api-errors.js';
import type { DeploymentLike } from './deployment-status.js';
import { rolloutCounts, rolloutState } from './deployment-status.js';
import { describeTemplate } from './pod-template.js';
import { imageContainer, STRATEGIC_MERGE, templateTriggers, type PatchCall } from './template-trigger.js';
import type { WorkloadKind } from './workload-kind.js';


/**
 * deploymentKind is the Deployment (apps/v1): triggers PATCH it as kubectl
 * does, and its rollout ends as kubectl's DeploymentStatusViewer says.
 */
export const deploymentKind: WorkloadKind<DeploymentLike> = {
  kind: 'deployment',
  resource: 'deployments',
  find: readDeployment,
  collectionPath: (api) => `/apis/apps/v1/namespaces/${api.namespace}/deployments`,
  async list(api, name) {
    const fieldSelector = `metadata.name=${name}`;
    const r = await api.apps.listNamespacedDeployment({ namespace: api.namespace, fieldSelector }, api.options());
    return { items: r.items as DeploymentLike[], resourceVersion: r.metadata?.resourceVersion ?? '' };
  },
  preflight(d, namespace) {
    const name = d.metadata?.name ?? '';
    const state = rolloutState(d);
    if (state.state !== 'complete') {
      throw new UsageError(
        `deployment "${name}" is not fully rolled out (${state.message}); wait for \`kubectl rollout status -n ${namespace} deployment/${name}\`, then retry`,
      );
    }
  },
  describe: describeDeployment,
  checkTrigger(d, trigger) {
    const name = d.metadata?.name ?? '';
    if (d.spec?.paused) throw new UsageError(`deployment "${name}" is paused, so it would not roll; run \`kubectl rollout resume deployment/${name}\` first`);
    if (trigger.kind === 'image') imageContainer(d, 'deployment', trigger);
  },
  ...templateTriggers<DeploymentLike>('deployment', 'deployments', patch, (w, t) => deploymentKind.checkTrigger(w, t)),
  progress: rolloutCounts,
  state: rolloutState,
  revision: (d) => d.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? `generation ${d.metadata?.generation ?? 0}`,
};

async function readDeployment(api: KubeApi, name: string): Promise<DeploymentLike> {
  try {
    return (await api.apps.readNamespacedDeployment({ name, namespace: api.namespace }, api.options())) as DeploymentLike;
  } catch (e) {
    if (statusCodeOf(e) !== 404) throw explainKubeError(e, { verb: 'get', resource: 'deployments', name, namespace: api.namespace, server: api.access.server });
  }
  const list = await api.call('list', 'deployments', (o) => api.apps.listNamespacedDeployment({ namespace: api.namespace }, o));
  const names = list.items.map((d) => d.metadata?.name ?? '').filter(Boolean);
  throw new UsageError(
    `deployment "${name}" not found in namespace "${api.namespace}"; deployments there: ${names.join(', ') || '(none)'} (pick one with --deployment, or -n NAMESPACE)`,
  );
}

/** describeDeployment collects the facts that decide whether a Deployment's rollout can drop requests, and warnings. */
export function describeDeployment(d: DeploymentLike, appName?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] } {
  const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
  const template = describeTemplate(d, appName);
  const warnings = [...template.warnings];
  if (strategy === 'Recreate') warnings.push('strategy is Recreate: every pod stops before new ones start, so an outage is expected');
  const rolling = strategy === 'RollingUpdate' ? '25%' : '';
  return {
    facts: {
      replicas: d.spec?.replicas ?? 1,
      strategy,
      maxSurge: String(d.spec?.strategy?.rollingUpdate?.maxSurge ?? rolling),
      maxUnavailable: String(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? rolling),
      ...template.facts,
    },
    warnings,
  };
}

// patch sends a strategic merge patch, as `kubectl rollout restart` and `kubectl set image` do.
function patch(...[api, name, body, fieldManager]: Parameters<PatchCall>): Promise<unknown> {
  return api.apps.patchNamespacedDeployment({ name, namespace: api.namespace, body, ...(fieldManager ? { fieldManager } : {}) }, api.options(STRATEGIC_MERGE));
}
