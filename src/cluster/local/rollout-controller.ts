import type { RolloutCounts } from '../../results/events.js';
import type { RolloutOutcome } from '../driver.js';
import type { ProgressiveControl } from './progressive-runner.js';
import { startPod, terminatePod, type LocalPod, type PodEnv, type TerminateOptions } from './local-pod.js';
import type { LoopbackPool } from './loopback-pool.js';
import { newLocalPod } from './new-pod.js';
import { planDaemonStep } from './daemonset-math.js';
import type { NodePool } from './node-pool.js';
import { daemonPodName, podName, revisionHash } from './pod-names.js';
import { planRolloutStep, resolveRolloutLimits } from './rollout-math.js';

/** RolloutController is the Deployment + ReplicaSet controllers of the embedded runtime (or a StatefulSet's, or a DaemonSet's). */
export interface RolloutController {
  readonly pods: ReadonlyMap<string, LocalPod>;
  readonly revision: string;
  readonly replicas: number;
  /** restart starts a rolling update to a new revision (`kubectl rollout restart`). */
  restart(): string;
  /** scale sets the replica count. */
  scale(replicas: number): void;
  /** terminate runs the termination sequence on one pod; the controller replaces it. */
  terminate(pod: LocalPod, options: TerminateOptions): Promise<void>;
  /** settledOutcome resolves when the current rollout is complete (old pods gone too) or failed. */
  rolloutDone(): Promise<RolloutOutcome>;
  /** failRollout ends the current rollout as failed (e.g. timed out). */
  failRollout(reason: string, status: 'failed' | 'timeout'): RolloutOutcome;
  /** startFailure is set when a pod died before it ever became ready: which pod, how, its log. */
  readonly startFailure: { pod: LocalPod; message: string } | null;
  /** onUpdate registers a listener called after every reconcile (tests and start-up waits). */
  onUpdate(listener: () => void): () => void;
  /** freeze stops creating or deleting pods (the run is ending); resolves once no pod is half-started. */
  freeze(): Promise<void>;
  /** progressive is an Argo Rollout's promote, abort and restart (absent for other controllers). */
  readonly progressive?: ProgressiveControl;
}

/** RolloutControllerOptions: the shared pod environment, naming, addresses and where logs go. */
export interface RolloutControllerOptions {
  env: Omit<PodEnv, 'onChange'>;
  appName: string;
  /** template identifies the pod template (command, env); a restart hashes it with a new generation. */
  template: string;
  pool: LoopbackPool;
  /** nodes are where pods are placed (a cordoned node gets no new pod, but a DaemonSet's). */
  nodes: NodePool;
  logDir: string;
  /** onPodError reports a pod that could not even be started (the driver turns it into a failure). */
  onPodError(error: unknown): void;
}

const CRASHES_BEFORE_FAILED = 3;

/** createRolloutController makes the controller and creates the first revision's pods. */
export function createRolloutController(options: RolloutControllerOptions): RolloutController {
  const { env: baseEnv, appName } = options;
  const { ctx, settings } = baseEnv;
  const pods = new Map<string, LocalPod>();
  // A DaemonSet runs one pod per node: its "replicas" are the nodes.
  let replicas = settings.daemon ? options.nodes.names.length : settings.replicas;
  let generation = 0;
  let revision = revisionHash(options.template, generation);
  let seq = 0;
  let frozen = false;
  let rollout: { revision: string; complete: boolean; outcome: RolloutOutcome | null; waiters: Array<(o: RolloutOutcome) => void> } | null = null;
  let lastCounts = '';
  const crashes = new Map<string, number>();
  let startFailure: { pod: LocalPod; message: string } | null = null;
  const listeners = new Set<() => void>();
  let scheduled = false;
  const starting = new Set<Promise<void>>();

  const env: PodEnv = { ...baseEnv, onChange: (pod) => onPodChange(pod) };

  function onPodChange(pod: LocalPod): void {
    if (pod.exit) {
      pods.delete(pod.name);
      if (!pod.terminating) recordCrash(pod);
    }
    schedule();
  }

  function recordCrash(pod: LocalPod): void {
    if (pod.everReady) return;
    const n = (crashes.get(pod.revision) ?? 0) + 1;
    crashes.set(pod.revision, n);
    const how = pod.exit?.signal ? `was killed by ${pod.exit.signal}` : `exited with code ${pod.exit?.exitCode ?? '?'}`;
    const message = `pod ${pod.name} ${how} before it became ready; see its log: ${pod.logPath}`;
    if (!rollout) startFailure ??= { pod, message };
    else if (pod.revision === rollout.revision && n >= CRASHES_BEFORE_FAILED && !rollout.outcome) {
      failRollout(`${message} (${n} pods of revision ${pod.revision} did so)`, 'failed');
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      reconcile();
    });
  }

  function reconcile(): void {
    if (frozen) return;
    if (settings.ordinals) return reconcileOrdinals(settings.ordinals.partition);
    if (settings.daemon) return reconcileDaemons();
    const live = [...pods.values()].filter((p) => !p.terminating && !p.exit);
    const blocked = startFailure !== null || (rollout?.outcome?.status === 'failed' && rollout.revision === revision);
    const limits = resolveRolloutLimits(replicas, settings.maxSurge, settings.maxUnavailable);
    const step = planRolloutStep(
      live.map((p) => ({ name: p.name, revision: p.revision, ready: p.ready, available: p.available, seq: p.seq })),
      revision,
      replicas,
      limits,
    );
    for (const name of step.terminate) {
      const pod = pods.get(name);
      if (pod) void terminatePod(env, pod, { reason: pod.revision === revision ? 'scaled down' : 'rolling update' });
    }
    if (!blocked) for (let i = 0; i < step.create; i += 1) createPod();
    trackRollout();
    for (const l of listeners) l();
  }

  // The StatefulSet controller's update (kubernetes pkg/controller/statefulset/stateful_set_control.go):
  // wait while any pod terminates or is not ready; create the lowest missing ordinal; else delete
  // the highest-ordinal pod of an old revision at or above the partition. Its replacement comes
  // at the next reconcile after it is gone, under the same name.
  function reconcileOrdinals(partition: number): void {
    const all = [...pods.values()];
    const ordinal = (p: LocalPod): number => Number(p.name.slice(appName.length + 1));
    const blocked = startFailure !== null || (rollout?.outcome?.status === 'failed' && rollout.revision === revision);
    if (!all.some((p) => p.terminating) && all.every((p) => p.ready)) {
      const missing = [...Array(replicas).keys()].find((i) => !pods.has(`${appName}-${i}`));
      const extra = all.filter((p) => ordinal(p) >= replicas).sort((a, b) => ordinal(b) - ordinal(a))[0];
      const stale = all.filter((p) => p.revision !== revision && ordinal(p) >= partition).sort((a, b) => ordinal(b) - ordinal(a))[0];
      if (missing !== undefined) {
        if (!blocked) createPod(`${appName}-${missing}`);
      } else if (extra) void terminatePod(env, extra, { reason: 'scaled down' });
      else if (stale) void terminatePod(env, stale, { reason: 'rolling update' });
    }
    trackRollout();
    for (const l of listeners) l();
  }

  // The DaemonSet controller: one pod per node, replaced as daemonset-math.ts plans it.
  function reconcileDaemons(): void {
    const blocked = startFailure !== null || (rollout?.outcome?.status === 'failed' && rollout.revision === revision);
    const limits = resolveRolloutLimits(replicas, settings.maxSurge, settings.maxUnavailable);
    const views = [...pods.values()].filter((p) => !p.exit).map((p) => ({ name: p.name, node: p.node, revision: p.revision, available: p.available, terminating: p.terminating, seq: p.seq }));
    const step = planDaemonStep(options.nodes.names, views, revision, limits);
    for (const name of step.terminate) {
      const pod = pods.get(name);
      if (pod) void terminatePod(env, pod, { reason: 'rolling update' });
    }
    if (!blocked) for (const node of step.create) createPod(undefined, node);
    trackRollout();
    for (const l of listeners) l();
  }

  function createPod(ordinalName?: string, onNode?: string): void {
    // The scheduler: a DaemonSet names its node; other pods go to the emptiest schedulable one, or wait.
    const node = onNode ?? options.nodes.place([...pods.values()].filter((p) => !p.exit).map((p) => p.node));
    if (node === null) return;
    seq += 1;
    const name = ordinalName ?? (settings.daemon ? daemonPodName(appName) : podName(appName, revision));
    // A StatefulSet's pod name comes back: each incarnation keeps its own log.
    const pod = newLocalPod({ name, revision, seq, node, hostIp: options.pool.next(), logDir: options.logDir, ...(ordinalName ? { logName: `${name}-${seq}` } : {}) });
    pods.set(name, pod);
    const started = startPod(env, pod).catch((err: unknown) => {
      pods.delete(name);
      // During a rollout a pod that cannot even start fails the rollout; before it, the start.
      if (rollout && !rollout.outcome) failRollout(err instanceof Error ? err.message : String(err), 'failed');
      else options.onPodError(err);
      schedule();
    });
    starting.add(started);
    void started.finally(() => starting.delete(started));
  }

  function counts(): RolloutCounts {
    const live = [...pods.values()].filter((p) => !p.terminating && !p.exit);
    return {
      replicas: live.length,
      updated: live.filter((p) => p.revision === revision).length,
      ready: live.filter((p) => p.ready).length,
      available: live.filter((p) => p.available).length,
    };
  }

  function trackRollout(): void {
    if (!rollout || rollout.outcome) return;
    const c = counts();
    const key = JSON.stringify(c);
    if (key !== lastCounts) {
      lastCounts = key;
      ctx.emit({ kind: 'rollout-progress', ...c, atMs: ctx.clock.nowMs() });
    }
    const done = c.updated === replicas && c.replicas === replicas && c.available === replicas;
    if (done && !rollout.complete) {
      rollout.complete = true;
      ctx.emit({ kind: 'rollout-complete', revision: rollout.revision, atMs: ctx.clock.nowMs() });
    }
    // Kubernetes calls it complete here; we also wait for the old pods to be gone, so their exit is recorded.
    if (rollout.complete && [...pods.values()].every((p) => p.revision === rollout?.revision && !p.terminating)) {
      settle({ status: 'complete', atMs: ctx.clock.nowMs() });
    }
  }

  function settle(outcome: RolloutOutcome): RolloutOutcome {
    if (!rollout || rollout.outcome) return rollout?.outcome ?? outcome;
    rollout.outcome = outcome;
    for (const w of rollout.waiters) w(outcome);
    rollout.waiters = [];
    return outcome;
  }

  function failRollout(reason: string, status: 'failed' | 'timeout'): RolloutOutcome {
    if (!rollout || rollout.outcome) return rollout?.outcome ?? { status, atMs: ctx.clock.nowMs(), reason };
    const atMs = ctx.clock.nowMs();
    ctx.emit({ kind: 'rollout-failed', reason, atMs });
    return settle({ status, atMs, reason });
  }

  schedule();
  return {
    pods,
    get revision() {
      return revision;
    },
    get replicas() {
      return replicas;
    },
    get startFailure() {
      return startFailure;
    },
    restart() {
      generation += 1;
      revision = revisionHash(options.template, generation);
      if (rollout && !rollout.outcome) settle({ status: 'failed', atMs: ctx.clock.nowMs(), reason: 'superseded by a newer rollout' });
      rollout = { revision, complete: false, outcome: null, waiters: [] };
      lastCounts = '';
      ctx.emit({ kind: 'rollout-started', revision, trigger: 'restart', atMs: ctx.clock.nowMs() });
      schedule();
      return revision;
    },
    scale(n) {
      replicas = n;
      schedule();
    },
    terminate(pod, opts) {
      const done = terminatePod(env, pod, opts);
      schedule();
      return done;
    },
    rolloutDone() {
      if (!rollout) return Promise.resolve({ status: 'complete', atMs: ctx.clock.nowMs() });
      if (rollout.outcome) return Promise.resolve(rollout.outcome);
      const r = rollout;
      return new Promise((resolve) => r.waiters.push(resolve));
    },
    failRollout,
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async freeze() {
      frozen = true;
      await Promise.all([...starting]);
    },
  };
}
