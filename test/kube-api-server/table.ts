// Server-side printing: `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io`
// and prints the columns the server chose. The columns here are those the API
// server prints for each kind (NAME, READY, STATUS, … for pods; LAST SEEN, TYPE,
// REASON, OBJECT, MESSAGE for events); any other kind gets NAME and AGE.
import type { KubeObject } from './store.js';

/** TABLE_CONTENT_TYPE is the media type of a Table answer. */
export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** wantsTable tells whether a request's Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

type Column = { name: string; type: string; format?: string; priority?: number; cells(o: Obj): unknown };
type Obj = KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const age = (t: string | undefined): string => {
  if (!t) return '<unknown>';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(t)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
};
const name: Column = { name: 'Name', type: 'string', format: 'name', cells: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', type: 'string', cells: (o) => age(o.metadata.creationTimestamp as string | undefined) };

function podStatus(o: Obj): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const cs = (o.status?.containerStatuses ?? []) as Array<{ state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }>;
  for (const c of cs) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return String(o.status?.phase ?? 'Unknown');
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    name,
    { name: 'Ready', type: 'string', cells: (o) => { const cs = (o.status?.containerStatuses ?? []) as Array<{ ready?: boolean }>; return `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`; } },
    { name: 'Status', type: 'string', cells: podStatus },
    { name: 'Restarts', type: 'string', cells: (o) => String(((o.status?.containerStatuses ?? []) as Array<{ restartCount?: number }>).reduce((n, c) => n + (c.restartCount ?? 0), 0)) },
    ageCol,
    // -o wide shows the priority-1 columns.
    { name: 'IP', type: 'string', priority: 1, cells: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cells: (o) => o.spec?.nodeName ?? '<none>' },
  ],
  Deployment: [
    name,
    { name: 'Ready', type: 'string', cells: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cells: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cells: (o) => o.status?.availableReplicas ?? 0 },
    ageCol,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cells: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cells: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cells: (o) => o.status?.readyReplicas ?? 0 },
    ageCol,
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cells: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cells: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', cells: () => '<none>' },
    { name: 'Port(s)', type: 'string', cells: (o) => ((o.spec?.ports ?? []) as Array<{ port: number; protocol?: string }>).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') },
    ageCol,
  ],
  EndpointSlice: [
    name,
    { name: 'AddressType', type: 'string', cells: (o) => o.addressType },
    { name: 'Ports', type: 'string', cells: (o) => ((o.ports ?? []) as Array<{ port: number }>).map((p) => p.port).join(',') || '<unset>' },
    { name: 'Endpoints', type: 'string', cells: (o) => ((o.endpoints ?? []) as Array<{ addresses: string[] }>).flatMap((e) => e.addresses).join(',') || '<unset>' },
    ageCol,
  ],
  Node: [
    name,
    { name: 'Status', type: 'string', cells: (o) => { const ready = ((o.status?.conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'; return o.spec?.unschedulable ? `${ready},SchedulingDisabled` : ready; } },
    { name: 'Roles', type: 'string', cells: () => '<none>' },
    ageCol,
    { name: 'Version', type: 'string', cells: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  ],
  PodDisruptionBudget: [
    name,
    { name: 'Min Available', type: 'string', cells: (o) => (o.spec?.minAvailable === undefined ? 'N/A' : String(o.spec.minAvailable)) },
    { name: 'Max Unavailable', type: 'string', cells: (o) => (o.spec?.maxUnavailable === undefined ? 'N/A' : String(o.spec.maxUnavailable)) },
    { name: 'Allowed Disruptions', type: 'integer', cells: (o) => o.status?.disruptionsAllowed ?? 0 },
    ageCol,
  ],
  StatefulSet: [name, { name: 'Ready', type: 'string', cells: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` }, ageCol],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cells: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cells: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cells: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cells: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cells: (o) => o.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', cells: () => '<none>' },
    ageCol,
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cells: (o) => age((o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime) as string | undefined) },
    { name: 'Type', type: 'string', cells: (o) => o.type },
    { name: 'Reason', type: 'string', cells: (o) => o.reason },
    { name: 'Object', type: 'string', cells: (o) => { const r = (o.involvedObject ?? o.regarding) as { kind?: string; name?: string }; return `${(r.kind ?? '').toLowerCase()}/${r.name ?? ''}`; } },
    { name: 'Message', type: 'string', cells: (o) => o.message ?? o.note },
  ],
};

/** toTable prints objects of one kind as a meta.k8s.io/v1 Table (rows carry the object's metadata). */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string, withHeaders = true): object {
  const columns = COLUMNS[kind] ?? [name, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    ...(withHeaders ? { columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 })) } : { columnDefinitions: null }),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cells(o as Obj)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
