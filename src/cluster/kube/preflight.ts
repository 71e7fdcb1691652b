import { UsageError } from '../../errors.js';
import type { KubeApi } from './kube-api.js';
import { statusCodeOf, explainKubeError } from './api-errors.js';
import type { DeploymentLike } from './rollout-status.js';
import { rolloutState } from './rollout-status.js';
import type { ContainerLike } from './pod-shape.js';
import { appContainerOf, describeHandler } from './pod-shape.js';
import type { EndpointSliceLike } from './endpoint-tracker.js';

/** Preflight is what rollcheck found before sending traffic. */
export interface Preflight {
  deployment: DeploymentLike;
  /** The Deployment's pod selector as a label selector string. */
  podSelector: string;
  service: string;
  /** appContainer is the container that serves the Service's targetPort (or the one named with --container). */
  appContainer: string | undefined;
  slices: EndpointSliceLike[];
  facts: Record<string, string | number | boolean | null>;
  warnings: string[];
}

/**
 * runPreflight checks that the Deployment exists and is fully rolled out, finds
 * its Service (by name, else by selector) and that Service's ready endpoints,
 * and collects the facts and warnings printed before the run.
 */
export async function runPreflight(api: KubeApi, deploymentName: string, serviceName?: string, containerName?: string): Promise<Preflight> {
  const ns = api.namespace;
  const deployment = (await readDeployment(api, deploymentName)) as DeploymentLike;
  const state = rolloutState(deployment);
  if (state.state !== 'complete') {
    throw new UsageError(
      `deployment "${deploymentName}" is not fully rolled out (${state.message}); wait for \`kubectl rollout status -n ${ns} deployment/${deploymentName}\`, then retry`,
    );
  }
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  if (Object.keys(labels).length === 0) {
    throw new UsageError(`deployment "${deploymentName}" has no matchLabels selector; rollcheck needs one to find its pods`);
  }
  const podSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const templateLabels = deployment.spec?.template?.metadata?.labels ?? {};
  const service = serviceName ?? (await findService(api, deploymentName, templateLabels));
  if (serviceName) await readService(api, serviceName);
  const slices = (
    await api.call('list', 'endpointslices', (o) =>
      api.disc.listNamespacedEndpointSlice({ namespace: ns, labelSelector: `kubernetes.io/service-name=${service}` }, o),
    )
  ).items as EndpointSliceLike[];
  const ready = new Set<string>();
  for (const s of slices) for (const ep of s.endpoints ?? []) if (ep.conditions?.ready !== false && ep.targetRef?.name) ready.add(ep.targetRef.name);
  if (ready.size === 0) {
    throw new UsageError(
      `service "${service}" has no ready endpoints in namespace "${ns}"; check that its selector matches ready pods (kubectl get endpointslices -n ${ns} -l kubernetes.io/service-name=${service})`,
    );
  }
  const containers = (deployment.spec?.template?.spec as { containers?: ContainerLike[] } | undefined)?.containers;
  const app = appContainerOf(containers, await serviceTargetPort(api, service), containerName);
  if (containerName && !app) {
    throw new UsageError(`--container: deployment "${deploymentName}" has no container "${containerName}" (its containers: ${(containers ?? []).map((c) => c.name).join(', ')})`);
  }
  const { facts, warnings } = describeDeployment(deployment, app?.name);
  return {
    deployment,
    podSelector,
    service,
    appContainer: app?.name,
    slices,
    facts: {
      namespace: ns,
      context: api.access.context,
      apiServer: api.access.server,
      deployment: deploymentName,
      service,
      readyEndpoints: ready.size,
      ...facts,
    },
    warnings,
  };
}

async function readDeployment(api: KubeApi, name: string): Promise<unknown> {
  try {
    return await api.apps.readNamespacedDeployment({ name, namespace: api.namespace }, api.options());
  } catch (e) {
    if (statusCodeOf(e) !== 404) throw explainKubeError(e, call(api, 'get', 'deployments', name));
  }
  const list = await api.call('list', 'deployments', (o) => api.apps.listNamespacedDeployment({ namespace: api.namespace }, o));
  const names = list.items.map((d) => d.metadata?.name ?? '').filter(Boolean);
  throw new UsageError(
    `deployment "${name}" not found in namespace "${api.namespace}"; deployments there: ${names.join(', ') || '(none)'} (pick one with --deployment, or -n NAMESPACE)`,
  );
}

async function readService(api: KubeApi, name: string): Promise<void> {
  try {
    await api.core.readNamespacedService({ name, namespace: api.namespace }, api.options());
    return;
  } catch (e) {
    if (statusCodeOf(e) !== 404) throw explainKubeError(e, call(api, 'get', 'services', name));
  }
  const names = await serviceNames(api);
  throw new UsageError(
    `service "${name}" not found in namespace "${api.namespace}"; services there: ${names.join(', ') || '(none)'} (pick one with --service)`,
  );
}

// serviceTargetPort reads the Service's first targetPort (a number or a port name); unknown when unreadable.
async function serviceTargetPort(api: KubeApi, name: string): Promise<number | string | undefined> {
  try {
    const svc = await api.core.readNamespacedService({ name, namespace: api.namespace }, api.options());
    const target = svc.spec?.ports?.[0]?.targetPort ?? svc.spec?.ports?.[0]?.port;
    return typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : target;
  } catch {
    return undefined;
  }
}

async function serviceNames(api: KubeApi): Promise<string[]> {
  const list = await api.call('list', 'services', (o) => api.core.listNamespacedService({ namespace: api.namespace }, o));
  return list.items.map((s) => s.metadata?.name ?? '').filter(Boolean);
}

async function findService(api: KubeApi, deployment: string, podLabels: Record<string, string>): Promise<string> {
  const list = await api.call('list', 'services', (o) => api.core.listNamespacedService({ namespace: api.namespace }, o));
  const matches = list.items
    .filter((s) => {
      const sel = s.spec?.selector ?? {};
      return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => podLabels[k] === v);
    })
    .map((s) => s.metadata?.name ?? '')
    .sort();
  if (matches.length === 0) {
    const names = list.items.map((s) => s.metadata?.name ?? '').filter(Boolean);
    throw new UsageError(
      `no service in namespace "${api.namespace}" selects the pods of deployment "${deployment}" (services there: ${names.join(', ') || 'none'}); pass --service NAME`,
    );
  }
  return matches[0] as string;
}

function call(api: KubeApi, verb: string, resource: string, name?: string) {
  return { verb, resource, name, namespace: api.namespace, server: api.access.server };
}

/** describeDeployment collects the facts that decide whether a rollout can drop requests, and warnings. */
export function describeDeployment(d: DeploymentLike, appName?: string): { facts: Record<string, string | number | boolean | null>; warnings: string[] } {
  const spec = (d.spec?.template?.spec ?? {}) as { terminationGracePeriodSeconds?: number; containers?: ContainerLike[] };
  const main = spec.containers?.find((c) => c.name === appName) ?? spec.containers?.[0];
  const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
  const preStop = describeHandler(main?.lifecycle?.preStop);
  const probe = main?.readinessProbe;
  const readiness = describeHandler(probe);
  const warnings: string[] = [];
  if (!preStop) {
    warnings.push(
      `container "${main?.name ?? '?'}" has no preStop hook: the pod may get SIGTERM before every node stops routing to it; add a preStop sleep of a few seconds`,
    );
  }
  if (!readiness) {
    warnings.push(`container "${main?.name ?? '?'}" has no readiness probe: new pods get traffic before the app listens; add one`);
  }
  if (strategy === 'Recreate') warnings.push('strategy is Recreate: every pod stops before new ones start, so an outage is expected');
  return {
    facts: {
      replicas: d.spec?.replicas ?? 1,
      strategy,
      maxSurge: String(d.spec?.strategy?.rollingUpdate?.maxSurge ?? (strategy === 'RollingUpdate' ? '25%' : '')),
      maxUnavailable: String(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? (strategy === 'RollingUpdate' ? '25%' : '')),
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      containers: (spec.containers ?? []).map((c) => c.name).join(', '),
      appContainer: main?.name ?? null,
      preStop: preStop ?? 'none',
      readinessProbe: readiness ? `${readiness}${probe?.periodSeconds ? ` every ${probe.periodSeconds}s` : ''}` : 'none',
    },
    warnings,
  };
}
