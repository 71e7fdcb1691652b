import { wakeAtClock } from './wake-at.js';
import type { RolloutStepFields } from '../../results/events.js';
import { createBlueGreenRunner } from './blue-green-runner.js';
import { createCanaryRunner } from './canary-runner.js';
import { startPod, terminatePod, type LocalPod, type PodEnv } from './local-pod.js';
import { newLocalPod } from './new-pod.js';
import { podName, revisionHash } from './pod-names.js';
import type { ProgressiveStrategy } from './progressive-strategy.js';
import type { ProgressiveControl, ProgressiveRollout, SetCounts, StrategyRunner } from './progressive-runner.js';
import type { RolloutController, RolloutControllerOptions } from './rollout-controller.js';
import { resolveRolloutLimits } from './rollout-math.js';
import { createRolloutLatch } from './rollout-latch.js';
import type { SelectorGate } from './selector-gate.js';

/** ProgressiveControllerOptions: the rolling controller's options, the strategy, and the active Service's selector. */
export interface ProgressiveControllerOptions extends RolloutControllerOptions {
  strategy: ProgressiveStrategy;
  gate: SelectorGate;
}

interface Active {
  canary: string;
  runner: StrategyRunner;
}

const CRASHES_BEFORE_FAILED = 3;

/**
 * createProgressiveController is an Argo Rollout's controller on the embedded
 * runtime: ReplicaSets by revision, each with a desired count that a strategy
 * runner (canary or blue-green) sets at every reconcile; pods are created or
 * terminated to match, the not-ready and newest first (argo-rollouts
 * rollout/replicaset.go scales through the ReplicaSet controller, which does so).
 */
export function createProgressiveController(options: ProgressiveControllerOptions): RolloutController {
  const { env: baseEnv, appName, gate, strategy } = options;
  const { ctx, settings } = baseEnv;
  const pods = new Map<string, LocalPod>();
  let replicas = settings.replicas;
  let generation = 0;
  let stable = revisionHash(options.template, generation);
  let current = stable;
  const targets = new Map<string, number>([[stable, replicas]]);
  let active: Active | null = null;
  const latch = createRolloutLatch(ctx);
  let seq = 0;
  let frozen = false;
  let pending: Promise<void> | null = null;
  let startFailure: { pod: LocalPod; message: string } | null = null;
  const crashes = new Map<string, number>();
  const listeners = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const starting = new Set<Promise<void>>();
  const env: PodEnv = { ...baseEnv, endpoints: gate, onChange: (pod) => onPodChange(pod) };
  let restarting: { beforeSeq: number; onDone: () => void } | null = null;

  function onPodChange(pod: LocalPod): void {
    if (pod.exit) {
      pods.delete(pod.name);
      if (!pod.terminating && !pod.everReady) recordCrash(pod);
    }
    schedule();
  }

  function recordCrash(pod: LocalPod): void {
    const n = (crashes.get(pod.revision) ?? 0) + 1;
    crashes.set(pod.revision, n);
    const how = pod.exit?.signal ? `was killed by ${pod.exit.signal}` : `exited with code ${pod.exit?.exitCode ?? '?'}`;
    const message = `pod ${pod.name} ${how} before it became ready; see its log: ${pod.logPath}`;
    if (!active) startFailure ??= { pod, message };
    else if (pod.revision === active.canary && n >= CRASHES_BEFORE_FAILED) latch.fail(`${message} (${n} pods of revision ${pod.revision} did so)`, 'failed');
  }

  // Changes within one tick make one reconcile.
  function schedule(): void {
    pending ??= Promise.resolve().then(() => {
      pending = null;
      reconcile();
    });
  }

  function live(revision?: string): LocalPod[] {
    return [...pods.values()].filter((p) => !p.terminating && !p.exit && (revision === undefined || p.revision === revision));
  }

  function counts(revision: string): SetCounts {
    const set = live(revision).sort((a, b) => b.seq - a.seq);
    const existing = [...pods.values()].filter((p) => p.revision === revision).length;
    return { pods: set.length, ready: set.filter((p) => p.ready).length, available: set.filter((p) => p.available).length, names: set.map((p) => p.name), existing };
  }

  function reconcile(): void {
    if (frozen) return;
    if (active && latch.running) active.runner.advance(rolloutView(active));
    const blocked = startFailure !== null || latch.outcome?.status === 'failed';
    const revisions = new Set([...targets.keys(), ...live().map((p) => p.revision)]);
    for (const revision of revisions) {
      const set = live(revision);
      const want = targets.get(revision) ?? 0;
      if (set.length > want) {
        // Not-ready pods go first, then the newest (the ReplicaSet controller's order).
        const order = set.sort((a, b) => Number(a.ready) - Number(b.ready) || b.seq - a.seq);
        const reason = active && revision === active.canary ? 'canary scaled down' : 'progressive rollout';
        for (const pod of order.slice(0, set.length - want)) void terminatePod(env, pod, { reason });
      } else if (!blocked) {
        for (let i = set.length; i < want; i += 1) createPod(revision);
      }
    }
    reconcileRestart();
    trackProgress();
    for (const l of listeners) l();
  }

  // Argo's pod restarter (rollout/restart.go Reconcile): pods created before
  // spec.restartAt are evicted, max(maxUnavailable, 1) at a time and only while
  // the others keep enough available; their ReplicaSets replace them.
  function reconcileRestart(): void {
    if (!restarting) return;
    const { beforeSeq, onDone } = restarting;
    if (![...pods.values()].some((p) => p.seq <= beforeSeq)) {
      restarting = null;
      onDone();
      return;
    }
    const all = live();
    const concurrent = Math.max(resolveRolloutLimits(replicas, settings.maxSurge, settings.maxUnavailable).unavailable, 1);
    const total = [...targets.values()].reduce((a, b) => a + b, 0);
    let canRestart = all.filter((p) => p.available).length - (Math.max(replicas, total) - concurrent);
    for (const pod of all.filter((p) => p.seq <= beforeSeq)) {
      if (canRestart <= 0) break;
      canRestart -= 1;
      void terminatePod(env, pod, { reason: 'restart (spec.restartAt)' });
    }
  }

  let lastCounts = '';
  function trackProgress(): void {
    if (!latch.running) return;
    const all = live();
    const c = { replicas: all.length, updated: all.filter((p) => p.revision === current).length, ready: all.filter((p) => p.ready).length, available: all.filter((p) => p.available).length };
    const key = JSON.stringify(c);
    if (key === lastCounts) return;
    lastCounts = key;
    ctx.emit({ kind: 'rollout-progress', ...c, atMs: ctx.clock.nowMs() });
  }

  function createPod(revision: string): void {
    // The scheduler: the emptiest schedulable node, or wait for one.
    const node = options.nodes.place(live().map((p) => p.node));
    if (node === null) return;
    seq += 1;
    const pod = newLocalPod({ name: podName(appName, revision), revision, seq, node, hostIp: options.pool.next(), logDir: options.logDir });
    pods.set(pod.name, pod);
    const started = startPod(env, pod).catch((err: unknown) => {
      pods.delete(pod.name);
      if (latch.running) latch.fail(err instanceof Error ? err.message : String(err), 'failed');
      else options.onPodError(err);
      schedule();
    });
    starting.add(started);
    void started.finally(() => starting.delete(started));
  }

  function rolloutView(a: Active): ProgressiveRollout {
    return {
      canary: a.canary,
      stable,
      replicas,
      gate,
      nowMs: () => ctx.clock.nowMs(),
      counts,
      target: (revision) => targets.get(revision) ?? 0,
      setTarget(revision, n, scaleDownAtMs) {
        if (targets.get(revision) === n && scaleDownAtMs === undefined) return;
        targets.set(revision, n);
        const role = revision === a.canary ? 'canary' : 'stable';
        ctx.emit({ kind: 'replicaset-scaled', revision, role, replicas: n, ...(scaleDownAtMs === undefined ? {} : { scaleDownAtMs }), atMs: ctx.clock.nowMs() });
      },
      step(fields) {
        const event: RolloutStepFields = { ...fields, canaryRevision: a.canary, stableRevision: stable };
        ctx.emit({ kind: 'rollout-step', ...event, atMs: ctx.clock.nowMs() });
      },
      wakeAt(atMs) {
        wakeAtClock(() => ctx.clock.nowMs(), atMs, schedule, timers);
      },
      note: (message) => ctx.emit({ kind: 'note', message, atMs: ctx.clock.nowMs() }),
      finish(how) {
        const atMs = ctx.clock.nowMs();
        if (how === 'promoted') {
          for (const revision of [...targets.keys()]) if (revision !== a.canary) targets.delete(revision);
          stable = a.canary;
          ctx.emit({ kind: 'rollout-complete', revision: a.canary, atMs });
        } else {
          targets.delete(a.canary);
          ctx.emit({ kind: 'note', message: `rollout aborted: back on the stable revision ${stable}`, atMs });
        }
        latch.settle({ status: 'complete', atMs });
      },
    };
  }

  function runnerFor(s: ProgressiveStrategy): StrategyRunner {
    if (s.kind === 'blue-green') return createBlueGreenRunner(s.scaleDownDelayMs, s.abortAtStep, s.autoPromotionEnabled !== false);
    return createCanaryRunner(s.steps, resolveRolloutLimits(replicas, settings.maxSurge, settings.maxUnavailable), s.abortAtStep, s.waitForPromotion === true);
  }

  // What the Rollout's API asks of the running rollout: it acts at once and reconciles.
  const progressive: ProgressiveControl = {
    promote: () => act((a) => a.runner.promote(rolloutView(a))),
    abort: () => act((a) => a.runner.abort(rolloutView(a))),
    restartPods(onDone) {
      restarting = { beforeSeq: seq, onDone };
      schedule();
    },
  };
  function act(f: (a: Active) => boolean): boolean {
    if (!active || !latch.running || frozen) return false;
    const acted = f(active);
    if (acted) schedule();
    return acted;
  }

  // A template change (restart) makes a new ReplicaSet at 0 replicas; the strategy runner scales it.
  function restart(): string {
    generation += 1;
    current = revisionHash(options.template, generation);
    latch.begin();
    active = { canary: current, runner: runnerFor(strategy) };
    targets.set(current, 0);
    ctx.emit({ kind: 'rollout-started', revision: current, trigger: 'restart', atMs: ctx.clock.nowMs() });
    schedule();
    return current;
  }

  schedule();
  const controller: RolloutController = {
    pods,
    revision: '',
    replicas: 0,
    startFailure: null,
    restart,
    progressive,
    scale(n) {
      replicas = n;
      if (!latch.running) targets.set(stable, n);
      schedule();
    },
    terminate: (pod, opts) => terminatePod(env, pod, opts).finally(schedule),
    rolloutDone: () => latch.done(),
    failRollout: (reason, status) => latch.fail(reason, status),
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async freeze() {
      frozen = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...starting]);
    },
  };
  // The live figures are read through getters, so callers always see the current ones.
  Object.defineProperties(controller, {
    revision: { get: () => current },
    replicas: { get: () => replicas },
    startFailure: { get: () => startFailure },
  });
  return controller;
}
