import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { ClusterDriver, DriverContext, DriverTarget, KillPodRequest, NodeDrainer, PodKiller, RolloutOutcome, Scaler } from '../driver.js';
import { createPodRuntime } from './create-pod-runtime.js';
import { describeApp, describePdb, readinessCheckOf, workloadKindOf } from './settings.js';
import { describeCheck } from './probe-checks.js';
import { LOCAL_TRAITS } from './local-entry.js';
import { createEndpointPropagator, type EndpointPropagator } from './endpoints.js';
import { who, type LocalPod } from './local-pod.js';
import { pdbStatus } from './disruption-budget.js';
import { createNodePool } from './node-pool.js';
import { drainLocalNode, KUBECTL_EVICTION_RETRY_MS } from './node-drain.js';
import { createLoopbackPool } from './loopback-pool.js';
import type { PodRuntime } from './pod-runtime.js';
import { createRolloutController, type RolloutController } from './rollout-controller.js';
import { createServiceProxy, type ServiceEndpoint, type ServiceProxy } from './service-proxy.js';
import { startIngress, type Ingress } from './ingress.js';
import { createProgressive } from './progressive-wiring.js';
import { describeStrategy } from './progressive-strategy.js';
import type { ProgressiveControl } from './progressive-runner.js';
import type { LocalRuntimeSettings } from './settings.js';

/** LocalDriver is the embedded runtime's ClusterDriver, able to kill pods, scale and drain its fake nodes. */
export type LocalDriver = ClusterDriver &
  PodKiller &
  Scaler &
  NodeDrainer & {
    /** pods lists the live pods (tests and scenarios): name, UID, node, revision, address, readiness. */
    pods(): Array<{ name: string; uid: string; node: string; revision: string; host: string; port: number; ready: boolean; terminating: boolean; pids: number[] }>;
    /** servicePort is the Service proxy's port once started. */
    readonly servicePort: number | null;
    /** logDir is where the pod logs are. */
    readonly logDir: string;
    /** progressive is a running Argo Rollout's promote, abort and pod restart (null without --strategy, or before start). */
    progressive(): ProgressiveControl | null;
  };

/** LocalDriverExtras: the host environment and working directory (default: process's), and a runtime override for tests. */
export interface LocalDriverExtras {
  env?: Record<string, string | undefined>;
  cwd?: string;
  runtime?: PodRuntime;
}

// How long pods get between SIGTERM and SIGKILL when the run itself is ending (Ctrl-C, end of run).
const STOP_GRACE_MS = 2000;

/**
 * createLocalDriver builds the embedded runtime: pods as real processes (or
 * containers), a Service proxy on 127.0.0.1, readiness probes, a
 * rolling-update controller and the kubelet's termination sequence, each step
 * emitted as a ClusterEvent on `ctx`.
 */
export function createLocalDriver(settings: LocalRuntimeSettings, ctx: DriverContext, extras: LocalDriverExtras = {}): LocalDriver {
  const env = extras.env ?? process.env;
  const cwd = extras.cwd ?? process.cwd();
  const runtime = extras.runtime ?? createPodRuntime(settings.runtime, { settings, env, cwd });
  // Without a logDir the pod logs live in a temp dir of the driver's own, removed at stop().
  const ownLogDir = settings.logDir === undefined;
  const logDir = settings.logDir ?? mkdtempSync(join(tmpdir(), 'rollcheck-pods-'));
  let proxy: ServiceProxy | null = null;
  let ingress: Ingress | null = null;
  let endpoints: EndpointPropagator | null = null;
  let controller: RolloutController | null = null;
  let podError: unknown = null;
  let stopping: Promise<void> | null = null;
  const nodes = createNodePool(settings.nodes ?? 1);
  const appName = settings.app.kind === 'demo' ? 'demo' : 'app';

  const requireController = (what: string): RolloutController => {
    if (!controller) throw new Error(`local driver: ${what} before start()`);
    return controller;
  };

  async function start(signal?: AbortSignal): Promise<DriverTarget> {
    mkdirSync(logDir, { recursive: true });
    await runtime.check();
    if (settings.trafficPolicy && !nodes.has(settings.trafficPolicy.node)) {
      throw new UsageError(`--traffic-policy local: traffic enters on ${settings.trafficPolicy.node}, which is not one of the nodes (${nodes.names.join(', ')})`);
    }
    proxy = await createServiceProxy({ port: settings.servicePort, ...(settings.trafficPolicy ? { onlyNode: settings.trafficPolicy.node } : {}) });
    endpoints = createEndpointPropagator(feedIngress(proxy, () => ingress), settings.endpointDelayMs, ctx);
    const controllerOptions = {
      env: { ctx, settings, runtime, endpoints },
      appName,
      nodes,
      template: JSON.stringify({ app: settings.app, env: settings.env, image: settings.container?.image }),
      pool: createLoopbackPool(),
      logDir,
      onPodError: (err: unknown) => (podError ??= err),
    };
    controller = settings.strategy ? createProgressive(controllerOptions, settings.strategy, () => controller) : createRolloutController(controllerOptions);
    if (settings.pdb) watchBudget(controller);
    try {
      await waitForStart(controller, proxy, signal);
      if (settings.ingress) ingress = await startIngress(settings.ingress, serviceEndpoints(proxy), ctx, logDir);
    } catch (err) {
      await stop();
      throw err;
    }
    return {
      url: ingress?.url ?? `http://127.0.0.1:${proxy.port}/`,
      ...(ingress?.caPem ? { caPem: ingress.caPem, caPath: ingress.caCertPath } : {}),
      facts: {
        runtime: runtime.kind,
        app: describeApp(settings),
        workload: workloadKind,
        ...(settings.strategy ? { strategy: describeStrategy(settings.strategy) } : {}),
        replicas: controller.replicas,
        nodes: nodes.names.length,
        // The no-pdb rule reads 'none' as "the driver looked and found no budget".
        pdb: settings.pdb ? budgetName : 'none',
        ...(settings.pdb ? { pdbRule: describePdb(settings.pdb) } : {}),
        ...(settings.trafficPolicy ? { trafficPolicy: `local (traffic enters on ${settings.trafficPolicy.node})` } : {}),
        servicePort: proxy.port,
        graceMs: settings.graceMs,
        preStop: settings.preStop.kind === 'none' ? 'none' : settings.preStop.kind === 'sleep' ? `sleep ${settings.preStop.ms}ms` : settings.preStop.command,
        endpointDelayMs: settings.endpointDelayMs,
        logDir,
        ...(ingress && settings.ingress ? { ingress: settings.ingress.kind, ingressDelayMs: settings.ingress.delayMs, ingressUrl: ingress.url, ingressLog: ingress.logPath } : {}),
      },
      warnings: [],
    };
  }

  const workloadKind = workloadKindOf(settings);
  // Named as `kubectl create pdb demo --selector=app=demo` would name it.
  const budgetName = appName;
  const budgetNow = (c: RolloutController): ReturnType<typeof pdbStatus> | null =>
    settings.pdb ? pdbStatus(settings.pdb, c.replicas, [...c.pods.values()].filter((p) => !p.exit)) : null;

  // watchBudget emits the PodDisruptionBudget's status at each change, as the disruption controller writes it.
  function watchBudget(c: RolloutController): void {
    let last = '';
    c.onUpdate(() => {
      const status = budgetNow(c);
      const key = JSON.stringify(status);
      if (!status || key === last) return;
      last = key;
      ctx.emit({ kind: 'pdb-status', name: budgetName, ...status, atMs: ctx.clock.nowMs() });
    });
  }

  /** waitForStart resolves when every first pod is ready and in the Service; it fails with a one-line UsageError. */
  async function waitForStart(c: RolloutController, p: ServiceProxy, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + settings.startTimeoutMs;
    for (;;) {
      if (podError) throw podError;
      if (c.startFailure) throw new UsageError(`${c.startFailure.message}${lastLogLine(c.startFailure.pod.logPath)}; check the command and that the app listens on $HOST:$PORT`);
      if (signal?.aborted) throw new UsageError('interrupted while the pods were starting; nothing was recorded', 130);
      const live = [...c.pods.values()];
      if (live.length === c.replicas && live.every((pod) => pod.ready) && p.endpoints().length === c.replicas) return;
      if (Date.now() > deadline) {
        const stuck = live.find((pod) => !pod.ready);
        throw new UsageError(
          stuck
            ? `pod ${stuck.name} never became ready within ${settings.startTimeoutMs / 1000}s: ${describeCheck(readinessCheckOf(settings))} on ${stuck.hostIp} failed (${stuck.probe?.lastError ?? 'no answer yet'}); log: ${stuck.logPath}; check --readiness (or --readiness-path) and that the app listens on $HOST:$PORT`
            : `the pods did not reach the Service within ${settings.startTimeoutMs / 1000}s; try a longer --start-timeout`,
        );
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, 50);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async function waitForRollout(timeoutMs: number, signal?: AbortSignal): Promise<RolloutOutcome> {
    const c = requireController('waitForRollout');
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<RolloutOutcome>((resolve) => {
      timer = setTimeout(() => resolve(c.failRollout(`the rollout did not complete within ${timeoutMs / 1000}s`, 'timeout')), timeoutMs);
    });
    const aborted = new Promise<RolloutOutcome>((resolve) => {
      onAbort = () => resolve({ status: 'aborted', atMs: ctx.clock.nowMs() });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([c.rolloutDone(), timeout, aborted]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      const c = controller;
      if (c) {
        await c.freeze();
        const all = [...c.pods.values()];
        for (const pod of all) {
          if (pod.terminating) pod.hurry?.(STOP_GRACE_MS);
          else void c.terminate(pod, { reason: 'rollcheck is stopping', preStop: { kind: 'none' }, graceMs: STOP_GRACE_MS });
        }
        await Promise.all(all.map((pod) => pod.done));
      }
      endpoints?.cancel();
      await ingress?.stop();
      await runtime.cleanupAll();
      await proxy?.close();
      if (ownLogDir) rmSync(logDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  async function killPod(request: KillPodRequest): Promise<string> {
    const c = requireController('killPod');
    const pod = pickPod([...c.pods.values()].filter((p) => !p.terminating && !p.exit), request);
    if (request.signal === 'SIGKILL') {
      // A crash, not a deletion: no termination sequence, the Service notices only after the endpoint delay.
      pod.handle?.signal('SIGKILL');
      ctx.emit({ kind: 'sigkill', ...who(pod), atMs: ctx.clock.nowMs() });
    } else {
      void c.terminate(pod, { reason: 'pod deleted', graceMs: request.graceMs });
    }
    return pod.name;
  }

  return {
    traits: LOCAL_TRAITS,
    start,
    async triggerRollout(trigger) {
      const c = requireController('triggerRollout');
      if (trigger.kind === 'none') return;
      if (trigger.kind === 'image') {
        // An image rollout is a restart whose new revision runs the new image (container runtimes only).
        if (!runtime.useImageForNextRevision) {
          throw new UsageError(`an image rollout needs a container runtime (podman or docker); the ${runtime.kind} runtime only does "restart" rollouts`);
        }
        await runtime.useImageForNextRevision(trigger.image);
      } else if (trigger.kind !== 'restart') {
        throw new UsageError(`--rollout ${trigger.kind}: the local runtime only does "restart" rollouts; use --rollout restart`);
      }
      c.restart();
    },
    waitForRollout,
    stop,
    killPod,
    progressive: () => controller?.progressive ?? null,
    async scale(replicas) {
      if (settings.daemon) throw new UsageError('scale: a DaemonSet runs one pod per node and has no replica count; remove the scale step');
      if (!Number.isInteger(replicas) || replicas < 0) throw new UsageError(`scale: ${replicas} is not a replica count; use a whole number of 0 or more`);
      requireController('scale').scale(replicas);
    },
    async listNodes() {
      return [...nodes.names];
    },
    drainNode(request, signal) {
      const c = requireController('drainNode');
      return drainLocalNode(
        {
          ctx,
          nodes,
          pods: () => [...c.pods.values()],
          daemon: workloadKind === 'daemonset',
          budget: settings.pdb ? { name: budgetName, allowed: () => budgetNow(c)?.disruptionsAllowed ?? 0 } : null,
          evict: (pod) => void c.terminate(pod, { reason: 'evicted' }),
          retryMs: settings.evictionRetryMs ?? KUBECTL_EVICTION_RETRY_MS,
          replicas: () => c.replicas,
        },
        request,
        signal,
      );
    },
    pods: () =>
      [...(controller?.pods.values() ?? [])].map((p) => ({
        name: p.name,
        uid: p.uid,
        node: p.node,
        revision: p.revision,
        host: p.handle?.address.host ?? p.hostIp,
        port: p.handle?.address.port ?? 0,
        ready: p.ready,
        terminating: p.terminating,
        pids: p.handle?.pids?.() ?? [],
      })),
    get servicePort() {
      return proxy?.port ?? null;
    },
    logDir,
  };
}

// The Service's endpoints with their addresses, in the proxy's order.
const addressesOf = new WeakMap<ServiceProxy, Map<string, ServiceEndpoint>>();

function serviceEndpoints(proxy: ServiceProxy): ServiceEndpoint[] {
  const known = addressesOf.get(proxy);
  return proxy.endpoints().flatMap((pod) => {
    const ep = known?.get(pod);
    return ep ? [ep] : [];
  });
}

/** feedIngress passes each Service endpoint change on to the ingress (which applies it after its own delay). */
function feedIngress(proxy: ServiceProxy, ingress: () => Ingress | null): ServiceProxy {
  const known = new Map<string, ServiceEndpoint>();
  addressesOf.set(proxy, known);
  return {
    ...proxy,
    get port() {
      return proxy.port;
    },
    addEndpoint(ep) {
      known.set(ep.pod, ep);
      proxy.addEndpoint(ep);
      ingress()?.serviceChanged(serviceEndpoints(proxy));
    },
    removeEndpoint(pod) {
      proxy.removeEndpoint(pod);
      ingress()?.serviceChanged(serviceEndpoints(proxy));
    },
  };
}

/** pickPod chooses the pod a KillPodRequest names. */
function pickPod(pods: LocalPod[], request: KillPodRequest): LocalPod {
  const sorted = [...pods].sort((a, b) => a.seq - b.seq);
  const which = request.which;
  const pod =
    typeof which === 'object'
      ? sorted.find((p) => p.name === which.name)
      : which === 'oldest'
        ? sorted[0]
        : which === 'newest'
          ? sorted[sorted.length - 1]
          : sorted[Math.floor(Math.random() * sorted.length)];
  if (!pod) {
    const name = typeof which === 'object' ? `pod ${which.name}` : `a ${which} pod`;
    throw new UsageError(`cannot kill ${name}: no such running pod (running: ${sorted.map((p) => p.name).join(', ') || 'none'})`);
  }
  return pod;
}

/** lastLogLine quotes the last line a pod wrote, for start-up errors. */
function lastLogLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1]?.trim();
    return last ? ` (last log line: "${last.slice(0, 160)}")` : ' (the log is empty)';
  } catch {
    return '';
  }
}
