import { UsageError } from '../../errors.js';
import type { KubeApi } from './kube-api.js';
import { statusCodeOf, explainKubeError } from './api-errors.js';
import { appContainerOf } from './pod-shape.js';
import type { EndpointSliceLike } from './endpoint-tracker.js';
import type { WorkloadKind, WorkloadLike } from './workloads/workload-kind.js';
import { templateOf } from './workloads/pod-template.js';

/** Preflight is what rollcheck found before sending traffic. */
export interface Preflight {
  workload: WorkloadLike;
  /** The workload's pod selector as a label selector string. */
  podSelector: string;
  service: string;
  /** appContainer is the container that serves the Service's targetPort (or the one named with --container). */
  appContainer: string | undefined;
  slices: EndpointSliceLike[];
  facts: Record<string, string | number | boolean | null>;
  warnings: string[];
}

/** PreflightTarget names what to check: the workload (its kind and name), and optionally its Service and app container. */
export interface PreflightTarget {
  kind: WorkloadKind;
  name: string;
  service?: string;
  container?: string;
}

/**
 * runPreflight finds the workload and lets its kind check that it is settled
 * (e.g. a Deployment fully rolled out), finds its Service (by name, else by
 * selector) and that Service's ready endpoints, and collects the facts and
 * warnings printed before the run.
 */
export async function runPreflight(api: KubeApi, t: PreflightTarget): Promise<Preflight> {
  const ns = api.namespace;
  const { kind, name } = t;
  const workload = await kind.find(api, name);
  kind.preflight(workload, ns);
  const labels = workload.spec?.selector?.matchLabels ?? {};
  if (Object.keys(labels).length === 0) {
    throw new UsageError(`${kind.kind} "${name}" has no matchLabels selector; rollcheck needs one to find its pods`);
  }
  const podSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const templateLabels = workload.spec?.template?.metadata?.labels ?? {};
  const service = t.service ?? (await findService(api, `${kind.kind} "${name}"`, templateLabels));
  if (t.service) await readService(api, t.service);
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
  const containers = templateOf(workload).containers;
  const app = appContainerOf(containers, await serviceTargetPort(api, service), t.container);
  if (t.container && !app) {
    throw new UsageError(`--container: ${kind.kind} "${name}" has no container "${t.container}" (its containers: ${(containers ?? []).map((c) => c.name).join(', ')})`);
  }
  const { facts, warnings } = kind.describe(workload, app?.name);
  return {
    workload,
    podSelector,
    service,
    appContainer: app?.name,
    slices,
    facts: {
      namespace: ns,
      context: api.access.context,
      apiServer: api.access.server,
      [kind.kind]: name,
      service,
      readyEndpoints: ready.size,
      ...facts,
    },
    warnings,
  };
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

async function findService(api: KubeApi, owner: string, podLabels: Record<string, string>): Promise<string> {
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
      `no service in namespace "${api.namespace}" selects the pods of ${owner} (services there: ${names.join(', ') || 'none'}); pass --service NAME`,
    );
  }
  return matches[0] as string;
}

function call(api: KubeApi, verb: string, resource: string, name?: string) {
  return { verb, resource, name, namespace: api.namespace, server: api.access.server };
}
