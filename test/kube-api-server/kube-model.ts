// A cluster model over a KubeStore: one Deployment, its Service, one
// EndpointSlice and the pods, changed step by step the way the API server shows
// a rolling update (deletionTimestamp, EndpointSlice conditions, container
// state.terminated, Killing events, DELETED). Tests drive it by hand, or the
// local-runtime backing (local-backing.ts) drives it from real pods.
import type { KubeObject, KubeStore } from './store.js';
import { createReplicaSets } from './replicasets.js';
import { ROLLOUT_OWNER } from './rollout-model.js';
import { rolloutObject, type RolloutStrategySpec } from './rollout-object.js';
import { createStatefulSetModel } from './statefulset-model.js';
import { createNodes, type Scheduler } from './nodes.js';
import { createDaemonSetModel } from './daemonset-model.js';

/** KubeModelOptions shapes the demo Deployment. */
export interface KubeModelOptions {
  store: KubeStore;
  namespace?: string;
  name?: string;
  replicas?: number;
  graceSeconds?: number;
  /** preStop exec command of the app container; none when omitted. */
  preStop?: string[];
  /** readinessProbe: false for none, a probe object (grpc, tcpSocket, httpGet) for that one; default httpGet /healthz. */
  readinessProbe?: boolean | Record<string, unknown>;
  /** env is the app container's environment as the Deployment shows it (`env: [{name, value}]`). */
  env?: Record<string, string>;
  image?: string;
  /** Create the Service (default true) — false to test "no service found". */
  service?: boolean;
  /** sidecar puts a proxy container in front of the app, injected first as a mesh would (it carries no preStop). */
  sidecar?: boolean;
  /** workload 'statefulset' makes `demo` a StatefulSet (statefulset-model.ts), 'daemonset' a DaemonSet (daemonset-model.ts), 'rollout' an Argo Rollout (rollout-model.ts), instead of a Deployment. */
  workload?: 'deployment' | 'statefulset' | 'daemonset' | 'rollout';
  /** nodes puts this many Nodes (node-1 …) in the store and places each new pod on one (spec.nodeName), spread as the scheduler does. */
  nodes?: number;
  /** internalTrafficPolicy of the Service (the API server's default: Cluster); the sandbox's proxy routes by it when the runtime's trafficPolicy says so. */
  internalTrafficPolicy?: 'Cluster' | 'Local';
  /** entryNode: the node traffic enters on for a node-local Service, the one node whose address is the proxy's (see createNodes). */
  entryNode?: string;
  /** rolloutStrategy is the Rollout's spec.strategy (workload 'rollout'). */
  rolloutStrategy?: RolloutStrategySpec;
}

/** KubeModel is the hand-drivable cluster. Times are "now" in RFC 3339 seconds, as the API sends them. */
export interface KubeModel {
  namespace: string;
  name: string;
  /** The current pod-template-hash (changes on every template PATCH). */
  hash(): string;
  addPod(name: string, options?: { hash?: string; ip?: string }): void;
  startPod(name: string): void;
  setReady(name: string, ready: boolean): void;
  /** isReady reads the pod's Ready condition (false for a pod the model no longer has). */
  isReady(name: string): boolean;
  terminatePod(name: string, graceSeconds?: number): void;
  exitPod(name: string, exitCode: number): void;
  /** exitContainer ends one container of the pod (a sidecar before the app, say). */
  exitContainer(name: string, container: string, exitCode: number): void;
  deletePod(name: string): void;
  setEndpoint(name: string, conditions: { ready: boolean; serving: boolean; terminating: boolean } | null): void;
  killingEvent(name: string): void;
  /** podEvent records a kubelet Event about a pod (Killing, FailedPreStopHook, Unhealthy). */
  podEvent(name: string, e: { reason: string; type: 'Normal' | 'Warning'; message: string; container?: string }): void;
  setStatus(counts: { replicas: number; updated: number; ready: number; available: number }, observed?: boolean): void;
  /** markRolledOut makes the status say the current generation is complete. */
  markRolledOut(): void;
  progressDeadlineExceeded(): void;
  podNames(): string[];
  /** scheduler places pods on the nodes (null without `nodes`). */
  scheduler: Scheduler | null;
  /** startUpdate: a StatefulSet's controller saw the template change to revision `hash` (a Deployment's ReplicaSets need no word). */
  startUpdate(hash: string): void;
  /** bumpHash starts a new template revision (what a PATCH of the template does). */
  bumpHash(): string;
  /** scaleReplicaSet writes an Argo Rollout controller's desired count into ReplicaSet `hash` (other kinds: nothing). */
  scaleReplicaSet(hash: string, replicas: number): void;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
let eventCounter = 0;

/** createKubeModel creates the Deployment, Service and empty EndpointSlice in the store. */
export function createKubeModel(o: KubeModelOptions): KubeModel {
  const store = o.store;
  const namespace = o.namespace ?? 'default';
  const name = o.name ?? 'demo';
  const labels = { app: name };
  let hashCounter = 0;
  let hash = `${name}h0`;
  const endpoints = new Map<string, { ip: string; conditions: { ready: boolean; serving: boolean; terminating: boolean } }>();
  const container: Record<string, unknown> = {
    name: 'app',
    image: o.image ?? 'rollcheck-demo:1',
    ports: [{ containerPort: 8080 }],
    ...(o.preStop ? { lifecycle: { preStop: { exec: { command: o.preStop } } } } : {}),
    ...(o.env && Object.keys(o.env).length ? { env: Object.entries(o.env).map(([n, value]) => ({ name: n, value })) } : {}),
    ...(o.readinessProbe === false ? {} : { readinessProbe: typeof o.readinessProbe === 'object' ? o.readinessProbe : { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 } }),
  };
  const replicas = o.replicas ?? 2;
  const containerNames = o.sidecar ? ['proxy', 'app'] : ['app'];
  const imageOf = (c: string): string => (c === 'app' ? String(container.image) : String(PROXY_CONTAINER.image));
  const containerStatus = (c: string, state: Record<string, unknown>) => ({ name: c, image: imageOf(c), imageID: '', containerID: '', ready: false, restartCount: 0, started: false, state, lastState: {} });
  const podTemplate = {
    metadata: { labels, annotations: {} },
    spec: { terminationGracePeriodSeconds: o.graceSeconds ?? 30, containers: o.sidecar ? [PROXY_CONTAINER, container] : [container] },
  };
  const scheduler = o.nodes ? createNodes(store, o.nodes, o.entryNode) : null;
  // A StatefulSet or a DaemonSet controller stands where a Deployment's ReplicaSets would (`owner` names which).
  const owner = o.workload === 'statefulset' ? { kind: 'StatefulSet', bucket: 'statefulsets' } : o.workload === 'daemonset' ? { kind: 'DaemonSet', bucket: 'daemonsets' } : null;
  const sts =
    o.workload === 'statefulset'
      ? createStatefulSetModel(store, { name, namespace, labels, replicas, template: podTemplate })
      : o.workload === 'daemonset'
        ? createDaemonSetModel(store, { name, namespace, labels, nodes: o.nodes ?? replicas, template: podTemplate })
        : null;
  // An Argo Rollout owns ReplicaSets as a Deployment does.
  const rollout = o.workload === 'rollout';
  const ownerBucket = owner?.bucket ?? (rollout ? 'rollouts' : 'deployments');
  if (rollout) store.put('rollouts', rolloutObject({ name, namespace, replicas, template: podTemplate, strategy: o.rolloutStrategy ?? { canary: { steps: [] } } }));
  if (!sts && !rollout) {
  store.put('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, generation: 1, labels, creationTimestamp: now(), annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: podTemplate,
    },
    status: { observedGeneration: 1, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] },
  });
  }
  if (o.service !== false) {
    store.put('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels, creationTimestamp: now() },
      spec: { selector: labels, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }], type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], internalTrafficPolicy: o.internalTrafficPolicy ?? 'Cluster' },
    });
  }
  const sliceName = `${name}-x7k2p`;
  const writeSlice = (): void => {
    store.put('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: sliceName, namespace, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, creationTimestamp: now(), ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: store.get('services', name)?.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [...endpoints].map(([pod, e]) => ({ addresses: [e.ip], conditions: e.conditions, targetRef: { kind: 'Pod', name: pod, namespace } })),
    });
  };
  if (o.service !== false) writeSlice();

  const pod = (n: string): KubeObject => {
    const p = store.get('pods', n);
    if (!p) throw new Error(`no pod ${n} in the model`);
    return p;
  };
  const replicaSets = sts ?? createReplicaSets(store, name, namespace, rollout ? ROLLOUT_OWNER : undefined);
  const update = (n: string, change: (p: KubeObject & { status: Record<string, unknown>; spec: Record<string, unknown> }) => void): void => {
    const p = pod(n) as KubeObject & { status: Record<string, unknown>; spec: Record<string, unknown> };
    change(p);
    store.put('pods', p);
    replicaSets.sync();
  };
  const deployment = (): KubeObject => store.get(ownerBucket, name) as KubeObject;
  const putStatus = (change: (s: Record<string, unknown>, d: KubeObject) => void): void => {
    if (sts) return;
    const d = deployment();
    const s = (d.status ?? {}) as Record<string, unknown>;
    change(s, d);
    d.status = s;
    store.put(ownerBucket, d);
  };

  const latestReplicaSet = (d: KubeObject): string => {
    const revision = (d.metadata.annotations as Record<string, string> | undefined)?.['deployment.kubernetes.io/revision'];
    return store.list('replicasets').find((r) => (r.metadata.annotations as Record<string, string> | undefined)?.['deployment.kubernetes.io/revision'] === revision)?.metadata.name ?? `${name}-${hash}`;
  };

  return {
    namespace,
    name,
    hash: () => hash,
    bumpHash() {
      hashCounter += 1;
      hash = `${name}h${hashCounter}`;
      return hash;
    },
    addPod(n, p = {}) {
      const template = (deployment().spec as { template: { spec: Record<string, unknown> } }).template;
      const podHash = p.hash ?? hash;
      const rs = replicaSets.ensure(podHash);
      // DaemonSet pods tolerate the unschedulable taint: a cordoned node keeps its daemon.
      const nodeName = scheduler?.place(labels, owner?.kind === 'DaemonSet');
      store.put('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: n,
          namespace,
          labels: sts ? { ...labels, ...sts.podLabels(n, podHash) } : { ...labels, 'pod-template-hash': podHash, ...(rollout ? { 'rollouts-pod-template-hash': podHash } : {}) },
          creationTimestamp: now(),
          ownerReferences: [{ apiVersion: 'apps/v1', kind: owner?.kind ?? 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: { ...structuredClone(template.spec), ...(nodeName ? { nodeName } : {}) },
        status: {
          phase: 'Pending',
          ...(nodeName ? { hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }] } : {}),
          podIP: p.ip ?? `10.1.0.${store.rv % 250}`,
          startTime: now(),
          conditions: podConditions([], false),
          containerStatuses: containerNames.map((c) => containerStatus(c, { waiting: { reason: 'ContainerCreating' } })),
        },
      });
      replicaSets.sync();
    },
    startPod(n) {
      update(n, (p) => {
        p.status.phase = 'Running';
        p.status.containerStatuses = containerNames.map((c) => ({ ...containerStatus(c, { running: { startedAt: now() } }), started: true }));
      });
    },
    setReady(n, ready) {
      update(n, (p) => {
        p.status.conditions = podConditions(p.status.conditions, ready);
        for (const cs of (p.status.containerStatuses as Array<Record<string, unknown>> | undefined) ?? []) if (!(cs.state as { terminated?: unknown }).terminated) cs.ready = ready;
      });
    },
    isReady(n) {
      const conditions = (store.get('pods', n)?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions;
      return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    terminatePod(n, graceSeconds) {
      update(n, (p) => {
        const grace = graceSeconds ?? (p.spec.terminationGracePeriodSeconds as number | undefined) ?? 30;
        p.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        p.metadata.deletionGracePeriodSeconds = grace;
      });
    },
    exitContainer(n, container, exitCode) {
      update(n, (p) => {
        const cs = (p.status.containerStatuses as Array<Record<string, unknown>>).find((c) => c.name === container);
        if (!cs) return;
        const running = (cs.state as { running?: { startedAt?: string } } | undefined)?.running;
        cs.ready = false;
        cs.started = false;
        cs.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: running?.startedAt ?? now(), finishedAt: now() } };
        // One container down makes the pod not ready (ContainersReady and Ready turn False).
        p.status.conditions = podConditions(p.status.conditions, false);
      });
      // serving follows the pod's Ready condition, which the exit turned false.
      const e = endpoints.get(n);
      if (e?.conditions.serving) {
        e.conditions = { ...e.conditions, serving: false };
        writeSlice();
      }
    },
    exitPod(n, exitCode) {
      this.exitContainer(n, 'app', exitCode);
    },
    deletePod(n) {
      store.remove('pods', n);
      replicaSets.sync();
      // The EndpointSlice controller drops a terminating endpoint only once the pod object is gone.
      if (endpoints.delete(n)) writeSlice();
    },
    setEndpoint(n, conditions) {
      if (conditions === null) endpoints.delete(n);
      else endpoints.set(n, { ip: endpoints.get(n)?.ip ?? String((store.get('pods', n)?.status as { podIP?: string } | undefined)?.podIP ?? '10.1.0.1'), conditions });
      writeSlice();
    },
    killingEvent(n) {
      // The kubelet records one Killing per container it stops.
      for (const c of containerNames) this.podEvent(n, { reason: 'Killing', type: 'Normal', message: `Stopping container ${c}`, container: c });
    },
    podEvent(n, e) {
      eventCounter += 1;
      const at = now();
      store.put('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${n}.${eventCounter.toString(16)}`, namespace, creationTimestamp: at },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: n, namespace, uid: store.get('pods', n)?.metadata.uid, fieldPath: `spec.containers{${e.container ?? 'app'}}` },
        reason: e.reason,
        message: e.message,
        type: e.type,
        count: 1,
        firstTimestamp: at,
        lastTimestamp: at,
        eventTime: null,
        source: { component: 'kubelet', host: 'rollcheck-sandbox' },
        reportingComponent: 'kubelet',
        reportingInstance: 'rollcheck-sandbox',
      });
    },
    setStatus(c, observed = false) {
      putStatus((s, d) => {
        Object.assign(s, { replicas: c.replicas, updatedReplicas: c.updated, readyReplicas: c.ready, availableReplicas: c.available, unavailableReplicas: Math.max(0, c.replicas - c.available) });
        if (observed) s.observedGeneration = (d.metadata as { generation?: number }).generation;
        s.conditions = deploymentConditions(s.conditions, 'ReplicaSetUpdated', `ReplicaSet "${latestReplicaSet(d)}" is progressing.`);
      });
    },
    markRolledOut() {
      putStatus((s, d) => {
        const n = (d.spec as { replicas: number }).replicas;
        Object.assign(s, { observedGeneration: (d.metadata as { generation?: number }).generation, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n, unavailableReplicas: 0 });
        s.conditions = deploymentConditions(s.conditions, 'NewReplicaSetAvailable', `ReplicaSet "${latestReplicaSet(d)}" has successfully progressed.`);
      });
    },
    progressDeadlineExceeded() {
      putStatus((s, d) => {
        s.observedGeneration = (d.metadata as { generation?: number }).generation;
        s.conditions = deploymentConditions(s.conditions, 'ProgressDeadlineExceeded', `ReplicaSet "${latestReplicaSet(d)}" has timed out progressing.`);
      });
    },
    podNames: () => store.list('pods').map((p) => p.metadata.name),
    scheduler,
    startUpdate: (h) => sts?.startUpdate(h),
    scaleReplicaSet(h, n) {
      if (!sts && rollout) (replicaSets as ReturnType<typeof createReplicaSets>).setDesired(h, n);
    },
  };
}

type Condition = { type: string; status: string; reason: string; message: string; lastUpdateTime: string; lastTransitionTime: string };

// deploymentConditions writes Progressing (and Available) as the deployment controller does:
// lastTransitionTime moves only when the status flips, lastUpdateTime on every change.
function deploymentConditions(previous: unknown, reason: string, message: string): Condition[] {
  const old = (Array.isArray(previous) ? previous : []) as Condition[];
  const at = now();
  const make = (type: string, status: string, r: string, m: string): Condition => {
    const before = old.find((c) => c.type === type);
    return { type, status, reason: r, message: m, lastUpdateTime: at, lastTransitionTime: before && before.status === status ? before.lastTransitionTime : at };
  };
  const progressing = make('Progressing', reason === 'ProgressDeadlineExceeded' ? 'False' : 'True', reason, message);
  return [make('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'), progressing];
}

/** PROXY_CONTAINER is the sandbox's TCP proxy sidecar, listed first as a mesh injects it. */
const PROXY_CONTAINER = { name: 'proxy', image: 'rollcheck-tcp-proxy:1', ports: [{ containerPort: 15001, name: 'proxy' }] };

type PodCondition = { type: string; status: string; lastProbeTime: null; lastTransitionTime: string };

// podConditions writes the kubelet's four pod conditions; a transition time moves only when its status flips.
function podConditions(previous: unknown, ready: boolean): PodCondition[] {
  const old = (Array.isArray(previous) ? previous : []) as PodCondition[];
  const at = now();
  const make = (type: string, status: boolean): PodCondition => {
    const s = status ? 'True' : 'False';
    const before = old.find((c) => c.type === type);
    return { type, status: s, lastProbeTime: null, lastTransitionTime: before && before.status === s ? before.lastTransitionTime : at };
  };
  // Conditions others wrote (the API server's DisruptionTarget) stay as they are.
  const kubelet = new Set(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  return [make('Initialized', true), make('Ready', ready), make('ContainersReady', ready), make('PodScheduled', true), ...old.filter((c) => !kubelet.has(c.type))];
}
