import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { WorkloadRef } from '../../results/types.js';
import type { ClusterDriver, DrainOutcome, DrainRequest, DriverContext, DriverTarget, KillPodRequest, NodeDrainer, PodKiller, RolloutOutcome, RolloutTrigger, Scaler } from '../driver.js';
import type { KubeConfigSettings } from './kube-config.js';
import type { ScopedKubeconfig } from './kube-config.js';
import { loadKubeAccess, writeScopedKubeconfig } from './kube-config.js';
import type { KubeApi } from './kube-api.js';
import { createKubeApi } from './kube-api.js';
import { runPreflight } from './preflight.js';
import { createRolloutTracker, type RolloutTracker } from './rollout-tracker.js';
import { createPodTracker } from './pod-tracker.js';
import { createEndpointTracker } from './endpoint-tracker.js';
import type { ResourceWatch } from './resource-watch.js';
import { startKubeWatches } from './kube-watches.js';
import { checkTrigger, startTrigger } from './triggers.js';
import type { Pid1Inspector } from './pid1-exec.js';
import { createPid1Inspector } from './pid1-exec.js';
import { KUBE_TRAITS } from './kube-entry.js';
import { workloadKind } from './workloads/kinds.js';
import type { WorkloadKind } from './workloads/workload-kind.js';
import type { KubeTrigger } from './parse-trigger.js';
import { createPdbTracker, type PdbTracker } from './pdb-tracker.js';
import { checkNode, drainNode, listNodes, type DrainContext } from './node-drain.js';
import type { PodTracker } from './pod-tracker.js';
import { desiredReplicas, waitReplaced } from './replaced.js';
import type { RolloutOptions } from './workloads/rollout-options.js';
import { createRolloutHooks } from './workloads/rollout-hooks.js';
import { createNodeTracker } from './node-tracker.js';
import { readTrafficPolicy } from './traffic-policy.js';
import { createDrainInference, type DrainInference } from './drain-inference.js';
import { outsideDrainsSettled } from './outside-drain-end.js';

/** KubeDriverSettings is everything `rollcheck run` tells the Kubernetes driver. */
export interface KubeDriverSettings extends KubeConfigSettings {
  /** workload is what to roll: its kind (WORKLOAD_KINDS) and name (`--deployment NAME` is `{ kind: 'deployment', name }`). */
  workload: WorkloadRef;
  service?: string;
  /** container names the app container (default: the one serving the Service's targetPort). */
  container?: string;
  /** Where traffic goes (the driver cannot know the user's Ingress or LoadBalancer address). */
  url: string;
  /** Directory for the `cmd=` trigger's log file (default: cwd). */
  logDir?: string;
  /** Bound on each non-watch API request. */
  requestTimeoutMs?: number;
  /** Delays between watch reconnect attempts. */
  watchBackoffMs?: number[];
  /** A watch silent this long (no event, no bookmark) is restarted (default 90 s). */
  watchSilenceMs?: number;
  /** The trigger the run will use, checked in start() so a bad one fails before any traffic (a drain's node must exist). */
  trigger?: KubeTrigger;
  /** inspectPid1 reads each ready pod's PID 1 through pods/exec (`--inspect-pid1`; needs manifests/rbac-inspect.yaml). */
  inspectPid1?: boolean | { timeoutMs?: number; parallel?: number };
  /** rollout steers an Argo Rollout (`--promote`, `--abort-at`; workload kind rollout only). */
  rollout?: RolloutOptions;
}

/** KubeDriver is the Kubernetes ClusterDriver with its optional abilities. */
export type KubeDriver = ClusterDriver & PodKiller & Scaler & NodeDrainer;

/**
 * createKubeDriver drives a real workload through its kind (WorkloadKind):
 * pre-flight checks, then watches of the workload, its Pods, the Service's
 * EndpointSlices and pod Events for the whole run, mapped to ClusterEvents;
 * the trigger starts the rollout and waitForRollout decides its end as
 * `kubectl rollout status` does for that kind, then also waits for the old
 * pods to be gone. stop() never undoes the rollout. An unknown kind is a
 * UsageError here, before anything is contacted.
 */
export function createKubeDriver(settings: KubeDriverSettings, ctx: DriverContext): KubeDriver {
  const kind = workloadKind(settings.workload);
  const name = settings.workload.name;
  const nowMs = (): number => ctx.clock.nowMs();
  // Every event goes through the drain inference: an eviction or a cordon told once, a drain by someone else told as one.
  const gate = createDrainInference({ nowMs, emit: ctx.emit });
  const emit = gate.emit;
  let appContainer: string | undefined;
  let inspector: Pid1Inspector | null = null;
  const pods = createPodTracker({
    nowMs,
    appContainer: () => appContainer,
    emit: (e) => {
      emit(e);
      if (e.kind === 'pod-deleted') rollout.podGone();
      // Once ready, the app runs with its handlers installed and a shell's child started: the moment to look.
      if (e.kind === 'pod-ready') inspector?.inspect(e.pod);
    },
  });
  const argo = createRolloutHooks(settings.workload, settings.rollout, { nowMs, emit, latest: () => rollout.latest() });
  const rollout = createRolloutTracker({ kind: argo.judge(kind), nowMs, emit, terminating: () => pods.terminating() });
  const endpoints = createEndpointTracker({ nowMs, emit });
  const nodes = createNodeTracker({ nowMs, emit });
  let api: KubeApi | null = null;
  let pdbs: PdbTracker | null = null;
  let watches: ResourceWatch[] = [];
  const scopedFiles: ScopedKubeconfig[] = [];

  const need = (): KubeApi => {
    if (!api) throw new UsageError('the Kubernetes driver was used before start()');
    return api;
  };

  return {
    traits: KUBE_TRAITS,
    async start(): Promise<DriverTarget> {
      const access = loadKubeAccess(settings);
      api = createKubeApi(access, settings.requestTimeoutMs);
      const pre = await runPreflight(api, { kind, name, service: settings.service, container: settings.container });
      appContainer = pre.appContainer;
      if (settings.inspectPid1) {
        const tuning = typeof settings.inspectPid1 === 'object' ? settings.inspectPid1 : {};
        inspector = createPid1Inspector({ kc: access.kc, namespace: api.namespace, container: () => appContainer, nowMs, emit, ...tuning });
      }
      if (settings.trigger?.kind === 'drain') await checkNode(api, settings.trigger.node);
      else if (settings.trigger) checkTrigger(kind, pre.workload, settings.trigger);
      rollout.seen(pre.workload);
      pdbs = createPdbTracker({ podLabels: pre.workload.spec?.template?.metadata?.labels ?? {}, nowMs, emit });
      watches = await startKubeWatches({
        api,
        kind,
        name,
        podSelector: pre.podSelector,
        service: pre.service,
        pods,
        endpoints,
        pdbs,
        nodes,
        // onWorkload; for an Argo Rollout also its steering (--abort-at checked here, before any watch) and the watch of its ReplicaSets.
        ...argo.start(api, pre.workload, (w) => rollout.seen(w)),
        nowMs,
        emit,
        backoffMs: settings.watchBackoffMs,
        silenceMs: settings.watchSilenceMs,
      });
      // pdb: the budgets covering the pods ('none', or 'unknown' when they cannot be read): the no-pdb finding reads it.
      const pdb = pdbs.listed ? pdbs.covering().join(', ') || 'none' : 'unknown';
      // nodes: each node's status as `kubectl get nodes` words it, when the nodes could be read.
      const nodeList = nodes.describe();
      const policy = await readTrafficPolicy(api, pre.service, settings.url, (host) => nodes.nodesAt(host));
      const facts = { ...pre.facts, podSelector: pre.podSelector, pdb, ...(nodeList ? { nodes: nodeList } : {}), ...policy.facts };
      const warnings = policy.warning ? [...pre.warnings, policy.warning] : pre.warnings;
      return { url: settings.url, facts, warnings, ...(policy.node ? { cluster: { driver: 'kube', trafficPolicy: { node: policy.node } } } : {}) };
    },

    triggerRollout: (trigger: RolloutTrigger): Promise<void> => argo.triggered(() => triggerOn({ api: need(), kind, settings, rollout, ctx, scopedFiles }, trigger)),

    waitForRollout(timeoutMs: number, signal?: AbortSignal): Promise<RolloutOutcome> {
      if (settings.trigger?.kind !== 'none') return rollout.wait(timeoutMs, signal);
      // Watching only: a drain by someone else, once its pods are replaced, ends the wait as a rollout's end does.
      return waitRolloutOrDrain({ rollout, gate, desired: () => desiredReplicas(kind, rollout.latest()), pods, nowMs }, timeoutMs, signal);
    },

    killPod: (request: KillPodRequest): Promise<string> => deletePod(need(), pods.alive(), request),

    listNodes: (): Promise<string[]> => listNodes(need()),

    drainNode: (request: DrainRequest, signal?: AbortSignal): Promise<DrainOutcome> =>
      drainAndWait({ api: need(), nowMs, emit }, request, () => desiredReplicas(kind, rollout.latest()), pods, signal),

    async scale(replicas: number): Promise<void> {
      await kind.scale(need(), name, replicas);
    },

    async stop(): Promise<void> {
      inspector?.stop();
      for (const w of watches) w.stop();
      watches = [];
      for (const f of scopedFiles) f.dispose();
      pods.stop();
      rollout.stop();
    },
  };
}

// deletePod deletes the pod a kill step names (`kubectl delete pod`, with its grace; SIGKILL is a grace of 0).
async function deletePod(api: KubeApi, alive: ReadonlyArray<{ name: string }>, request: KillPodRequest): Promise<string> {
  const w = request.which;
  const pick =
    typeof w === 'object' ? alive.find((p) => p.name === w.name) : w === 'oldest' ? alive[0] : w === 'newest' ? alive[alive.length - 1] : alive[Math.floor(Math.random() * alive.length)];
  if (!pick) throw new UsageError(`no running pod to kill${typeof w === 'object' ? ` named "${w.name}"` : ''}`);
  const gracePeriodSeconds = request.signal === 'SIGKILL' ? 0 : request.graceMs !== undefined ? Math.round(request.graceMs / 1000) : undefined;
  await api.call('delete', 'pods', (o) => api.core.deleteNamespacedPod({ name: pick.name, namespace: api.namespace, gracePeriodSeconds }, o), pick.name);
  return pick.name;
}

// drainAndWait drains as kubectl drain does, then waits (within the same timeout) for the workload to be back at full readiness.
async function drainAndWait(c: DrainContext, request: DrainRequest, desired: () => number, pods: PodTracker, signal?: AbortSignal): Promise<DrainOutcome> {
  const startedMs = c.nowMs();
  const outcome = await drainNode(c, request, signal);
  if (!outcome.ok) return outcome;
  const leftMs = Math.max(0, request.timeoutMs - (c.nowMs() - startedMs));
  const back = await waitReplaced({ desired, pods, leftMs, signal });
  return back ? outcome : { ...outcome, ok: false, error: `the evicted pods' replacements were not all ready within ${Math.round(request.timeoutMs / 1000)}s` };
}

// waitRolloutOrDrain resolves at the rollout's end or once drains by someone else have settled (outsideDrainsSettled: the last one's pods replaced, then a quiet spell).
function waitRolloutOrDrain(
  w: { rollout: RolloutTracker; gate: DrainInference; desired(): number; pods: PodTracker; nowMs(): number },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RolloutOutcome> {
  const quit = new AbortController();
  const onAbort = (): void => quit.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const startedMs = w.nowMs();
  const drained = outsideDrainsSettled({
    gate: w.gate,
    waitReplaced: (s) => waitReplaced({ desired: w.desired, pods: w.pods, leftMs: Math.max(0, timeoutMs - (w.nowMs() - startedMs)), signal: s }),
    signal: quit.signal,
  }).then((): RolloutOutcome => ({ status: 'complete', atMs: w.nowMs() }));
  return Promise.race([w.rollout.wait(timeoutMs, quit.signal), drained]).finally(() => {
    signal?.removeEventListener('abort', onAbort);
    quit.abort();
  });
}

/** TriggerContext is what starting a rollout needs from the driver. */
interface TriggerContext {
  api: KubeApi;
  kind: WorkloadKind;
  settings: KubeDriverSettings;
  rollout: RolloutTracker;
  ctx: DriverContext;
  /** scopedFiles collects the kubeconfigs made for `cmd=` triggers, removed at stop(). */
  scopedFiles: ScopedKubeconfig[];
}

// triggerOn starts the rollout, says so as an event, and has the tracker follow it (a failing `cmd=` fails it).
async function triggerOn(t: TriggerContext, trigger: RolloutTrigger): Promise<void> {
  const { api: a, settings, rollout, ctx } = t;
  const nowMs = (): number => ctx.clock.nowMs();
  const logPath = join(settings.logDir ?? settings.cwd ?? '.', `rollcheck-trigger-${Date.now()}.log`);
  // A command gets a kubeconfig scoped to the watched context and namespace (helm reads HELM_* too).
  const scoped = trigger.kind === 'cmd' ? writeScopedKubeconfig(a.access) : null;
  if (scoped) t.scopedFiles.push(scoped);
  const env = { ...settings.env, ...scoped?.env };
  const started = await startTrigger(a, t.kind, rollout.latest() ?? {}, trigger, { env, cwd: settings.cwd ?? '.', logPath });
  void started.command?.finally(() => scoped?.dispose());
  const revision = started.generation !== null ? `generation ${started.generation}` : 'pending';
  ctx.emit({ kind: 'rollout-started', atMs: nowMs(), revision, trigger: started.description });
  if (trigger.kind === 'cmd') ctx.emit({ kind: 'note', atMs: nowMs(), message: `trigger command output: ${logPath}` });
  started.command?.then((code) => {
    if (code === 0) return;
    rollout.fail(`trigger command exited ${code} (output in ${logPath})`);
  }, () => undefined);
  rollout.begin(started.generation);
}
