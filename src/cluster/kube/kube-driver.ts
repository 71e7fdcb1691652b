import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../cli/errors.js';
import type { ClusterDriver, DriverContext, DriverTarget, KillPodRequest, PodKiller, RolloutOutcome, RolloutTrigger, Scaler } from '../driver.js';
import type { RolloutCounts } from '../events.js';
import type { KubeConfigSettings } from './kube-config.js';
import { loadKubeAccess } from './kube-config.js';
import type { KubeApi } from './kube-api.js';
import { createKubeApi } from './kube-api.js';
import { runPreflight } from './preflight.js';
import type { DeploymentLike } from './rollout-status.js';
import { rolloutCounts, rolloutState } from './rollout-status.js';
import { createPodTracker } from './pod-tracker.js';
import { createEndpointTracker } from './endpoint-tracker.js';
import type { ResourceWatch } from './resource-watch.js';
import { startKubeWatches } from './kube-watches.js';
import { startTrigger } from './triggers.js';

// How long past the longest grace period to wait for terminating pods to disappear.
const SETTLE_SLACK_MS = 10_000;

/** KubeDriverSettings is everything `rollcheck run` tells the Kubernetes driver. */
export interface KubeDriverSettings extends KubeConfigSettings {
  deployment: string;
  service?: string;
  /** Where traffic goes (the driver cannot know the user's Ingress or LoadBalancer address). */
  url: string;
  /** Directory for the `cmd=` trigger's log file (default: cwd). */
  logDir?: string;
  /** Bound on each non-watch API request. */
  requestTimeoutMs?: number;
  /** Delays between watch reconnect attempts. */
  watchBackoffMs?: number[];
}

/** KubeDriver is the Kubernetes ClusterDriver with its optional abilities. */
export type KubeDriver = ClusterDriver & PodKiller & Scaler;

/**
 * createKubeDriver drives a real Deployment: pre-flight checks, then watches of
 * the Deployment, its Pods, the Service's EndpointSlices and pod Events for the
 * whole run, mapped to ClusterEvents; the trigger starts the rollout and
 * waitForRollout decides its end as `kubectl rollout status` does. stop() never
 * undoes the rollout.
 */
export function createKubeDriver(settings: KubeDriverSettings, ctx: DriverContext): KubeDriver {
  const nowMs = (): number => ctx.clock.nowMs();
  // After kubectl's "complete" the old pods are still terminating; the run keeps
  // watching until they are gone, since that is when requests die.
  let settling: { timer: NodeJS.Timeout } | null = null;
  const settleIfDone = (): void => {
    if (settling && pods.terminating().count === 0) {
      clearTimeout(settling.timer);
      settling = null;
      finish({ status: 'complete', atMs: nowMs() });
    }
  };
  const pods = createPodTracker({
    nowMs,
    emit: (e) => {
      ctx.emit(e);
      if (e.kind === 'pod-deleted') settleIfDone();
    },
  });
  const endpoints = createEndpointTracker({ nowMs, emit: ctx.emit });
  let api: KubeApi | null = null;
  let watches: ResourceWatch[] = [];
  let latest: DeploymentLike | null = null;
  let lastCounts = '';
  let baseGeneration = 0;
  let waitGeneration: number | null = null;
  let triggered = false;
  let outcome: RolloutOutcome | null = null;
  const waiters = new Set<(o: RolloutOutcome) => void>();

  const finish = (o: RolloutOutcome): void => {
    if (outcome) return;
    if (settling) clearTimeout(settling.timer);
    settling = null;
    outcome = o;
    for (const w of waiters) w(o);
    waiters.clear();
  };

  const evaluate = (): void => {
    if (!triggered || outcome || settling || !latest) return;
    const generation = latest.metadata?.generation ?? 0;
    if (waitGeneration !== null ? generation < waitGeneration : generation <= baseGeneration) return;
    const state = rolloutState(latest);
    if (state.state === 'complete') {
      const revision = latest.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? `generation ${generation}`;
      ctx.emit({ kind: 'rollout-complete', atMs: nowMs(), revision });
      const { maxGraceMs } = pods.terminating();
      settling = { timer: setTimeout(() => finish({ status: 'complete', atMs: nowMs() }), maxGraceMs + SETTLE_SLACK_MS) };
      settleIfDone();
    } else if (state.state === 'failed') {
      ctx.emit({ kind: 'rollout-failed', atMs: nowMs(), reason: state.message });
      finish({ status: 'failed', atMs: nowMs(), reason: state.message });
    }
  };

  const onDeployment = (d: DeploymentLike): void => {
    latest = d;
    const counts: RolloutCounts = rolloutCounts(d);
    const key = JSON.stringify(counts);
    if (triggered && !outcome && key !== lastCounts) ctx.emit({ kind: 'rollout-progress', atMs: nowMs(), ...counts });
    lastCounts = key;
    evaluate();
  };

  const need = (): KubeApi => {
    if (!api) throw new UsageError('the Kubernetes driver was used before start()');
    return api;
  };

  return {
    mode: 'kube',
    async start(): Promise<DriverTarget> {
      const access = loadKubeAccess(settings);
      api = createKubeApi(access, settings.requestTimeoutMs);
      const pre = await runPreflight(api, settings.deployment, settings.service);
      latest = pre.deployment;
      baseGeneration = pre.deployment.metadata?.generation ?? 0;
      watches = await startKubeWatches({
        api,
        deployment: settings.deployment,
        podSelector: pre.podSelector,
        service: pre.service,
        pods,
        endpoints,
        onDeployment,
        nowMs,
        emit: ctx.emit,
        backoffMs: settings.watchBackoffMs,
      });
      return { url: settings.url, facts: pre.facts, warnings: pre.warnings };
    },

    async triggerRollout(trigger: RolloutTrigger): Promise<void> {
      const a = need();
      const logPath = join(settings.logDir ?? settings.cwd ?? '.', `rollcheck-trigger-${Date.now()}.log`);
      const env = { ...settings.env, ...(settings.kubeconfig ? { KUBECONFIG: a.access.source } : {}) };
      const started = await startTrigger(a, latest ?? {}, trigger, { env, cwd: settings.cwd ?? '.', logPath });
      waitGeneration = started.generation;
      triggered = true;
      const revision = started.generation !== null ? `generation ${started.generation}` : 'pending';
      ctx.emit({ kind: 'rollout-started', atMs: nowMs(), revision, trigger: started.description });
      if (trigger.kind === 'cmd') ctx.emit({ kind: 'note', atMs: nowMs(), message: `trigger command output: ${logPath}` });
      started.command?.then((code) => {
        if (code === 0) return;
        const reason = `trigger command exited ${code} (output in ${logPath})`;
        ctx.emit({ kind: 'rollout-failed', atMs: nowMs(), reason });
        finish({ status: 'failed', atMs: nowMs(), reason });
      }, () => undefined);
      evaluate();
    },

    waitForRollout(timeoutMs: number, signal?: AbortSignal): Promise<RolloutOutcome> {
      if (outcome) return Promise.resolve(outcome);
      return new Promise<RolloutOutcome>((resolve) => {
        const done = (o: RolloutOutcome): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(done);
          resolve(o);
        };
        const onAbort = (): void => done({ status: 'aborted', atMs: nowMs() });
        const timer = setTimeout(() => {
          if (settling) return finish({ status: 'complete', atMs: nowMs() });
          const state = latest ? rolloutState(latest).message : 'no deployment status seen';
          const reason = `rollout did not complete within ${Math.round(timeoutMs / 1000)}s (${state})`;
          ctx.emit({ kind: 'rollout-failed', atMs: nowMs(), reason });
          finish({ status: 'timeout', atMs: nowMs(), reason });
        }, timeoutMs);
        waiters.add(done);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },

    async killPod(request: KillPodRequest): Promise<string> {
      const a = need();
      const alive = pods.alive();
      const w = request.which;
      const pick =
        typeof w === 'object' ? alive.find((p) => p.name === w.name) : w === 'oldest' ? alive[0] : w === 'newest' ? alive[alive.length - 1] : alive[Math.floor(Math.random() * alive.length)];
      if (!pick) throw new UsageError(`no running pod to kill${typeof w === 'object' ? ` named "${w.name}"` : ''}`);
      const gracePeriodSeconds = request.signal === 'SIGKILL' ? 0 : request.graceMs !== undefined ? Math.round(request.graceMs / 1000) : undefined;
      await a.call('delete', 'pods', (o) => a.core.deleteNamespacedPod({ name: pick.name, namespace: a.namespace, gracePeriodSeconds }, o), pick.name);
      return pick.name;
    },

    async scale(replicas: number): Promise<void> {
      const a = need();
      const options = a.options(k8s.PatchStrategy.StrategicMergePatch);
      await a.call('patch', 'deployments', () =>
        a.apps.patchNamespacedDeployment({ name: settings.deployment, namespace: a.namespace, body: { spec: { replicas } } }, options),
      );
    },

    async stop(): Promise<void> {
      for (const w of watches) w.stop();
      watches = [];
      pods.stop();
      finish({ status: 'aborted', atMs: nowMs() });
    },
  };
}
