// The resources the API test server serves, and the discovery documents kubectl
// reads before anything else (/api, /apis, /api/v1, /apis/<group>/v1), derived
// from one table so a resource added here is served and discovered alike.
//
// To add a resource: push a ResourceDef onto RESOURCES (its store bucket is its
// name unless `bucket` says otherwise); list, watch, get and the verbs the
// server's handlers know then work for it. A resource with its own behaviour
// (a subresource, a POST) registers a route with `addRoute` in routes.ts.
import type { KubeObject } from './store.js';

/** ResourceDef is one served resource: where it lives in the URL space, its kind, its verbs. */
export interface ResourceDef {
  /** group '' is the core group (/api/v1). */
  group: string;
  /** version of the group (default v1; Argo Rollouts' argoproj.io is v1alpha1). */
  version?: string;
  name: string;
  singular: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  /** namespaced false: a cluster-scoped resource (nodes), served at /api/v1/NAME. */
  namespaced?: boolean;
  /** bucket is the store bucket the objects live in (default: name). */
  bucket?: string;
  /** view turns a stored object into what this group-version shows (e.g. core Events as events.k8s.io/v1). */
  view?(o: KubeObject): KubeObject;
  subresources?: Array<{ name: string; kind: string; group?: string; verbs: string[] }>;
}

const READ = ['get', 'list', 'watch'];

/** RESOURCES is every resource the test server serves. */
export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    name: 'pods',
    singular: 'pod',
    kind: 'Pod',
    verbs: [...READ, 'delete'],
    shortNames: ['po'],
    // kubectl drain finds the Eviction API here (drain.CheckEvictionSupport: pods/eviction of kind Eviction in group policy).
    subresources: [{ name: 'eviction', kind: 'Eviction', group: 'policy', verbs: ['create'] }],
  },
  { group: '', name: 'nodes', singular: 'node', kind: 'Node', verbs: [...READ, 'patch'], shortNames: ['no'], namespaced: false },
  { group: '', name: 'services', singular: 'service', kind: 'Service', verbs: READ, shortNames: ['svc'] },
  { group: '', name: 'events', singular: 'event', kind: 'Event', verbs: READ, shortNames: ['ev'] },
  { group: 'discovery.k8s.io', name: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', verbs: READ },
  {
    group: 'apps',
    name: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    verbs: [...READ, 'patch'],
    shortNames: ['deploy'],
    subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', verbs: ['get', 'patch', 'update'] }],
  },
  { group: 'apps', name: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', verbs: [...READ, 'patch'], shortNames: ['sts'] },
  { group: 'apps', name: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', verbs: [...READ, 'patch'], shortNames: ['ds'] },
  { group: 'policy', name: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', verbs: [...READ, 'create', 'delete'], shortNames: ['pdb'] },
  { group: 'apps', name: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', verbs: READ, shortNames: ['rs'] },
  // Served by jobs.ts where a server has its Job part (the sandbox, the runners test): discovery has to know them for kubectl.
  { group: '', name: 'secrets', singular: 'secret', kind: 'Secret', verbs: ['create', 'get', 'list', 'patch', 'delete'] },
  { group: 'batch', name: 'jobs', singular: 'job', kind: 'Job', verbs: ['create', 'get', 'list', 'delete'] },
  { group: 'events.k8s.io', name: 'events', singular: 'event', kind: 'Event', verbs: READ, shortNames: ['ev'], view: eventsV1 },
  // Argo Rollouts' CRD (rollouts.argoproj.io); its controller model is rollout-model.ts.
  { group: 'argoproj.io', version: 'v1alpha1', name: 'rollouts', singular: 'rollout', kind: 'Rollout', verbs: [...READ, 'patch'], shortNames: ['ro'], subresources: [{ name: 'status', kind: 'Rollout', verbs: ['get', 'patch'] }] },
];

/** apiVersionOf is the apiVersion string of a resource's group at v1. */
export function apiVersionOf(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version ?? 'v1'}` : 'v1';
}

/** prefixOf is the URL prefix of a resource's group-version. */
export function prefixOf(r: ResourceDef): string {
  return r.group ? `/apis/${r.group}/${r.version ?? 'v1'}` : '/api/v1';
}

/** findResource looks a resource up by URL prefix and name. */
export function findResource(prefix: string, name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => prefixOf(r) === prefix && r.name === name);
}

/** discoveryDocument answers a discovery path (/api, /apis, a group version), or null for other paths. */
export function discoveryDocument(path: string, serverAddress: string): object | null {
  const groups = [...new Set(RESOURCES.map((r) => r.group).filter(Boolean))];
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  const versionOf = (g: string): string => RESOURCES.find((r) => r.group === g)?.version ?? 'v1';
  if (path === '/apis') {
    const version = (g: string) => ({ groupVersion: `${g}/${versionOf(g)}`, version: versionOf(g) });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => ({ name: g, versions: [version(g)], preferredVersion: version(g) })) };
  }
  const m = /^(?:\/api\/v1|\/apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return null;
  const group = m[1] ?? '';
  const mine = RESOURCES.filter((r) => r.group === group && (r.version ?? 'v1') === (m[2] ?? 'v1'));
  if (mine.length === 0) return null;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${versionOf(group)}` : 'v1',
    resources: mine.flatMap((r) => [
      { name: r.name, singularName: r.singular, namespaced: r.namespaced !== false, kind: r.kind, verbs: r.verbs, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.group !== 'events.k8s.io' && r.name !== 'events' && r.name !== 'secrets' && r.name !== 'nodes' && r.group !== 'policy' ? { categories: ['all'] } : {}) },
      ...(r.subresources ?? []).map((s) => ({ name: `${r.name}/${s.name}`, singularName: '', namespaced: r.namespaced !== false, ...(s.group ? { group: s.group, version: 'v1' } : {}), kind: s.kind, verbs: s.verbs })),
    ]),
  };
}

/** eventsV1 shows a core/v1 Event as events.k8s.io/v1 does (regarding, note, reportingController, deprecated* counts). */
export function eventsV1(o: KubeObject): KubeObject {
  const e = o as KubeObject & Record<string, unknown>;
  const source = e.source as { component?: string; host?: string } | undefined;
  const eventTime = (e.eventTime as string | null | undefined) ?? microTime(e.firstTimestamp as string | undefined);
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime,
    reason: e.reason,
    note: e.message,
    type: e.type,
    regarding: e.involvedObject,
    action: e.reason,
    reportingController: source?.component === 'kubelet' ? 'kubelet' : (source?.component ?? ''),
    reportingInstance: source?.host ?? '',
    deprecatedSource: source ?? {},
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
}

function microTime(t: string | undefined): string {
  return (t ? new Date(t) : new Date()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
