// The API test server backed by the embedded runtime: pods are real local
// pods (processes in their own PID namespace), a PATCH of the pod template
// starts the local rolling update, a DELETE of a pod terminates a local pod, and
// every step the local runtime takes is written into the store as the API
// server would show it. Traffic goes to the local Service proxy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalDriver, DEFAULT_LOCAL_SETTINGS } from '../../src/cluster/local/index.js';
import type { LocalDriver, LocalRuntimeSettings } from '../../src/cluster/local/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { createClock } from '../../src/results/clock.js';
import { createKubeStore, type KubeStore } from './store.js';
import { createKubeModel } from './kube-model.js';
import type { KubeModel } from './kube-model.js';
import { startKubeApiServer } from './server.js';
import { mirrorRollout, steerRollout } from './rollout-model.js';
import { rolloutStrategySpec } from './rollout-object.js';
import type { KubeApiServer, KubeApiServerOptions } from './server.js';

/** LocalBackedCluster is a running API test server over a local Deployment. */
export interface LocalBackedCluster {
  server: KubeApiServer;
  model: KubeModel;
  local: LocalDriver;
  /** proxyUrl is the local Service proxy: where `rollcheck run --url` should point. */
  proxyUrl: string;
  /** localEvents is what the embedded runtime itself reported (ground truth for tests). */
  localEvents: ClusterEvent[];
  close(): Promise<void>;
}

const SIGNUM: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2 };

/** startLocalBackedCluster starts local pods for Deployment "demo" (StatefulSet with `ordinals`) and an API server that shows them. */
export async function startLocalBackedCluster(
  overrides: Partial<LocalRuntimeSettings> = {},
  options: {
    namespace?: string;
    token?: string;
    sidecar?: boolean;
    route?: NonNullable<KubeApiServerOptions['routes']>[number];
    /**
     * protocol makes the demo a gRPC (or h2c) service, as manifests/demo/deployment-grpc.yaml:
     * DEMO_PROTOCOL in the Deployment's env and a grpc (h2c: tcpSocket) readiness probe.
     */
    protocol?: 'grpc' | 'h2c';
    /** imageLacks names programs the pods' "image" does not have: pods/exec of one fails as a container runtime fails it (a distroless image has no sh, no cat). */
    imageLacks?: string[];
    /** nodes serves this many Nodes and places the pods on them (`kubectl drain` evicts through PodDisruptionBudgets). */
    nodes?: number;
    /** daemonset serves `demo` as a DaemonSet: one pod per node (replicas = nodes), updated one node at a time (maxUnavailable 1, no surge). */
    daemonset?: boolean;
  } = {},
): Promise<LocalBackedCluster> {
  const logDir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-pods-'));
  let settings: LocalRuntimeSettings = { ...DEFAULT_LOCAL_SETTINGS, replicas: 2, readinessPeriodMs: 200, endpointDelayMs: 200, logDir, ...overrides };
  // The API promotes a canary's indefinite pause here (`kubectl argo rollouts promote`, rollcheck's --promote auto): nobody promotes it at once.
  if (settings.strategy?.kind === 'canary') settings = { ...settings, strategy: { ...settings.strategy, waitForPromotion: true } };
  // The DaemonSet controller's update, on the embedded runtime: one pod per node, the old one gone before the new one starts.
  // The runtime places a DaemonSet's pods one per node itself, as the API's scheduler does (the node's old pod gone first):
  // the two agree on every pod's node, which a node-local Service's proxy routes by.
  if (options.daemonset) settings = { ...settings, daemon: true, nodes: options.nodes ?? 1, replicas: options.nodes ?? 1, maxSurge: { count: 0 }, maxUnavailable: { count: 1 }, ordinals: undefined };
  const store = createKubeStore();
  const preStop = settings.preStop.kind === 'sleep' ? ['sleep', String(settings.preStop.ms / 1000)] : settings.preStop.kind === 'exec' ? ['sh', '-c', settings.preStop.command] : undefined;
  if (options.sidecar) settings = withSidecar(settings);
  const model = createKubeModel({
    store,
    namespace: options.namespace,
    name: 'demo',
    replicas: settings.replicas,
    graceSeconds: settings.graceMs / 1000,
    preStop,
    // The Deployment's probe is the one the runtime's settings give (a test's app may answer on another path than /healthz).
    readinessProbe: options.protocol === 'grpc' ? { grpc: { port: 8080 }, periodSeconds: 1 } : options.protocol === 'h2c' ? { tcpSocket: { port: 8080 }, periodSeconds: 1 } : { httpGet: { path: settings.readinessPath, port: 8080 }, periodSeconds: 1 },
    env: { ...settings.env, ...(options.protocol ? { DEMO_PROTOCOL: options.protocol } : {}) },
    sidecar: options.sidecar,
    // The runtime's ordinals mode is a StatefulSet's controller: the API shows a StatefulSet; a strategy, an Argo Rollout.
    workload: options.daemonset ? 'daemonset' : settings.ordinals ? 'statefulset' : settings.strategy ? 'rollout' : 'deployment',
    ...(options.nodes ? { nodes: options.nodes } : {}),
    ...(settings.strategy ? { rolloutStrategy: rolloutStrategySpec(settings.strategy, 'demo') } : {}),
    // The runtime's node-local proxy is a Service with internalTrafficPolicy Local, entered on that node.
    ...(settings.trafficPolicy ? { internalTrafficPolicy: 'Local' as const, entryNode: settings.trafficPolicy.node } : {}),
  });
  // The pods run what the Deployment says: its env (DEMO_PROTOCOL among it) and its readiness probe.
  settings = { ...settings, ...podSettingsOf(store) };
  const localEvents: ClusterEvent[] = [];
  const sidecars = createSidecarWatch(model);
  // PID 1 of each running pod as the host sees it: pods/exec enters its namespaces there.
  const pid1s = new Map<string, number>();
  const track = (e: ClusterEvent): void => {
    if (e.kind === 'pod-started' && e.pid !== undefined) pid1s.set(e.pod, e.pid);
    if (e.kind === 'exited' && e.container === undefined) pid1s.delete(e.pod);
  };
  const mirrorSteps = (e: ClusterEvent): void => {
    if (!settings.strategy) return;
    if (e.kind === 'replicaset-scaled') model.scaleReplicaSet(e.revision, e.replicas);
    mirrorRollout(store, 'demo', e);
  };
  const local = createLocalDriver(settings, { clock: createClock(), emit: (e) => (localEvents.push(e), track(e), mirror(model, e), mirrorSteps(e), options.sidecar && sidecars.seen(e)) });
  const server = await startKubeApiServer({
    store,
    token: options.token,
    bookmarkMs: 500,
    ...(options.route ? { routes: [options.route] } : {}),
    exec: (pod, _container, command) => {
      // A sidecar pod's two containers share one PID namespace here: either name enters the same one.
      const pid = pid1s.get(pod);
      if (pid === undefined) return { error: `container not running in pod ${pod}` };
      const program = command[0] ?? '';
      if (options.imageLacks?.includes(program)) {
        return { error: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown` };
      }
      const user = process.getuid?.() === 0 ? [] : ['--user', '--preserve-credentials'];
      return { argv: ['nsenter', '--target', String(pid), '--pid', '--mount', ...user, '--', ...command] };
    },
    onPatch: (_name, before, after) => {
      const b = before.spec as { template?: unknown; replicas?: number };
      const a = after.spec as { template?: unknown; replicas?: number };
      if (settings.strategy && steerRollout(store, local, before, after)) return;
      if (JSON.stringify(b.template) !== JSON.stringify(a.template)) void local.triggerRollout({ kind: 'restart' });
      else if (a.replicas !== b.replicas && a.replicas !== undefined) void local.scale(a.replicas);
    },
    onDeletePod: (name, graceSeconds) => {
      void local.killPod({ which: { name }, ...(graceSeconds !== undefined ? { graceMs: graceSeconds * 1000 } : {}) }).catch(() => undefined);
      return true;
    },
  });
  try {
    const target = await local.start();
    model.markRolledOut();
    return {
      server,
      model,
      local,
      proxyUrl: target.url,
      localEvents,
      async close() {
        sidecars.stop();
        await local.stop();
        await server.close();
        rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    sidecars.stop();
    await local.stop().catch(() => undefined);
    await server.close();
    rmSync(logDir, { recursive: true, force: true });
    throw e;
  }
}

/** podSettingsOf reads the app container of the stored workload `demo`: its env values and its readiness probe, as local settings. */
function podSettingsOf(store: KubeStore): Pick<LocalRuntimeSettings, 'env'> & Partial<Pick<LocalRuntimeSettings, 'readiness' | 'readinessPath'>> {
  const w = store.get('deployments', 'demo') ?? store.get('statefulsets', 'demo');
  const spec = (w?.spec as { template?: { spec?: { containers?: ContainerLike[] } } } | undefined)?.template?.spec;
  const app = spec?.containers?.find((c) => c.name === 'app');
  const env = Object.fromEntries((app?.env ?? []).flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])));
  const probe = app?.readinessProbe;
  if (probe?.grpc) return { env, readiness: { kind: 'grpc', service: probe.grpc.service ?? '' } };
  if (probe?.tcpSocket) return { env, readiness: { kind: 'tcp' } };
  if (probe?.httpGet?.path) return { env, readinessPath: probe.httpGet.path };
  return { env };
}

/** ContainerLike is the part of a stored container the backing reads. */
interface ContainerLike {
  name?: string;
  env?: Array<{ name: string; value?: string }>;
  readinessProbe?: { grpc?: { service?: string }; tcpSocket?: unknown; httpGet?: { path?: string } };
}

// mirror writes one local-runtime step into the store the way the API server would show it.
function mirror(model: KubeModel, e: ClusterEvent): void {
  try {
    switch (e.kind) {
      case 'pod-created':
        return model.addPod(e.pod, { hash: e.revision });
      case 'pod-started':
        return model.startPod(e.pod);
      case 'pod-ready':
        return model.setReady(e.pod, true);
      case 'pod-not-ready':
        // The readiness probe failed (the local runtime stops probing once a pod terminates).
        model.podEvent(e.pod, { reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: ${e.reason ?? 'probe failed'}` });
        return model.setReady(e.pod, false);
      case 'prestop-finished':
        if (e.ok) return;
        return model.podEvent(e.pod, { reason: 'FailedPreStopHook', type: 'Warning', message: `PreStopHook failed: ${e.error ?? 'hook failed'}` });
      case 'pod-terminating':
        // Ready stays as the last probe left it: the kubelet does not flip it at deletion.
        model.terminatePod(e.pod, Math.round(e.graceMs / 1000));
        // The kubelet records Killing as it starts stopping the container (before preStop).
        return model.killingEvent(e.pod);
      case 'endpoint-added':
        return model.setEndpoint(e.pod, { ready: true, serving: true, terminating: false });
      case 'endpoint-not-ready':
        // The slice changes at once (the local proxy applies it later, as kube-proxy does); serving = the pod's Ready.
        return model.setEndpoint(e.pod, { ready: false, serving: e.terminating && model.isReady(e.pod), terminating: e.terminating });
      case 'endpoint-removed':
        // That is the local proxy catching up; a terminating endpoint stays in the slice until the pod object is deleted.
        return;
      case 'exited':
        return model.exitPod(e.pod, e.exitCode ?? (e.signal ? 128 + (SIGNUM[e.signal] ?? 1) : 1));
      case 'pod-deleted':
        return model.deletePod(e.pod);
      case 'rollout-progress':
        return model.setStatus({ replicas: e.replicas, updated: e.updated, ready: e.ready, available: e.available }, true);
      case 'rollout-complete':
        return model.markRolledOut();
      case 'rollout-started':
        return model.startUpdate(e.revision);
      default:
        return;
    }
  } catch {
    // A step for a pod the model no longer has (deleted already): the API would not show it either.
  }
}

const SIDECAR_POD = join(dirname(fileURLToPath(import.meta.url)), 'sidecar-pod.mjs');
const SIDECAR_EXIT_LINE = 'rollcheck-sidecar: container proxy exited';

// withSidecar runs each pod as the proxy + app pair of sidecar-pod.mjs. The app's
// preStop (if any) first tells the proxy to go, as the kubelet SIGTERMs a container
// without a preStop of its own at once while the app's hook still runs.
function withSidecar(s: LocalRuntimeSettings): LocalRuntimeSettings {
  const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SIDECAR_POD)}`;
  const preStop = s.preStop.kind === 'sleep' ? { kind: 'exec' as const, command: `kill -USR1 1; sleep ${s.preStop.ms / 1000}` } : s.preStop;
  return { ...s, app: { kind: 'cmd', command }, preStop };
}

// createSidecarWatch reads each pod's log for the proxy's exit line and shows it as that container's terminated status.
function createSidecarWatch(model: KubeModel): { seen(e: ClusterEvent): void; stop(): void } {
  const polls = new Map<string, NodeJS.Timeout>();
  const stopPod = (pod: string) => {
    clearInterval(polls.get(pod));
    polls.delete(pod);
  };
  return {
    seen(e) {
      if (e.kind === 'pod-created' && e.logPath) {
        const logPath = e.logPath;
        polls.set(
          e.pod,
          setInterval(() => {
            let text = '';
            try {
              text = readFileSync(logPath, 'utf8');
            } catch {
              return;
            }
            if (!text.includes(SIDECAR_EXIT_LINE)) return;
            stopPod(e.pod);
            try {
              model.exitContainer(e.pod, 'proxy', 0);
            } catch {
              // the pod object is gone already
            }
          }, 50),
        );
      } else if (e.kind === 'pod-deleted') stopPod(e.pod);
    },
    stop() {
      for (const pod of [...polls.keys()]) stopPod(pod);
    },
  };
}
