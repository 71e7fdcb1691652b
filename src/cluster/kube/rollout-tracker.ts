import type { RolloutOutcome } from '../driver.js';
import type { ClusterEvent } from '../../results/events.js';
import type { WorkloadKind, WorkloadLike } from './workloads/workload-kind.js';

// How long past the longest grace period to wait for terminating pods to disappear.
const SETTLE_SLACK_MS = 10_000;

// The most statuses kept from before the trigger's answer (the newest).
const BEFORE_BEGIN_KEPT = 32;

/** RolloutTrackerOptions: the workload's kind, the clock, the sink, and how many pods are still terminating. */
export interface RolloutTrackerOptions {
  kind: WorkloadKind;
  nowMs(): number;
  emit(e: ClusterEvent): void;
  terminating(): { count: number; maxGraceMs: number };
}

/** RolloutTracker follows one rollout from the workload's status to its outcome. */
export interface RolloutTracker {
  /** seen is every workload object the watch delivers. */
  seen(w: WorkloadLike): void;
  /** begin marks the trigger; `generation` is what the PATCH produced (null: wait for any newer spec). */
  begin(generation: number | null): void;
  /** podGone re-checks whether the old pods are all gone. */
  podGone(): void;
  fail(reason: string): void;
  wait(timeoutMs: number, signal?: AbortSignal): Promise<RolloutOutcome>;
  latest(): WorkloadLike | null;
  stop(): void;
}

/**
 * createRolloutTracker decides the rollout's end as `kubectl rollout status`
 * does for the workload's kind, emits rollout-progress/complete/failed, and then keeps the outcome
 * back until the old pods are gone (bounded by their grace period): kubectl
 * calls a rollout complete while old pods are still terminating, and that is
 * exactly when requests die.
 */
export function createRolloutTracker(o: RolloutTrackerOptions): RolloutTracker {
  const { kind } = o;
  let latest: WorkloadLike | null = null;
  let baseGeneration = 0;
  let waitGeneration: number | null = null;
  let triggered = false;
  let lastCounts = '';
  let outcome: RolloutOutcome | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  const waiters = new Set<(r: RolloutOutcome) => void>();
  // What the watch delivered before begin(): the PATCH's answer can come after the watch has
  // shown the change it made, and the controller's first steps with it.
  let beforeBegin: Array<{ w: WorkloadLike; atMs: number }> = [];

  const finish = (r: RolloutOutcome): void => {
    if (outcome) return;
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = null;
    outcome = r;
    for (const w of waiters) w(r);
    waiters.clear();
  };
  const complete = (): void => finish({ status: 'complete', atMs: o.nowMs() });
  const settleIfDone = (): void => {
    if (settleTimer && o.terminating().count === 0) complete();
  };

  const evaluate = (): void => {
    if (!triggered || outcome || settleTimer || !latest) return;
    const generation = latest.metadata?.generation ?? 0;
    if (waitGeneration !== null ? generation < waitGeneration : generation <= baseGeneration) return;
    const state = kind.state(latest);
    if (state.state === 'complete') {
      o.emit({ kind: 'rollout-complete', atMs: o.nowMs(), revision: kind.revision(latest) });
      settleTimer = setTimeout(complete, o.terminating().maxGraceMs + SETTLE_SLACK_MS);
      settleIfDone();
    } else if (state.state === 'failed') {
      o.emit({ kind: 'rollout-failed', atMs: o.nowMs(), reason: state.message });
      finish({ status: 'failed', atMs: o.nowMs(), reason: state.message });
    }
  };

  return {
    seen(d) {
      if (!latest) baseGeneration = d.metadata?.generation ?? 0;
      if (triggered && !outcome) for (const e of kind.events?.(latest, d, o.nowMs()) ?? []) o.emit(e);
      if (!triggered || outcome) beforeBegin = [...beforeBegin.slice(-(BEFORE_BEGIN_KEPT - 1)), { w: d, atMs: o.nowMs() }];
      latest = d;
      const counts = kind.progress(d);
      const key = JSON.stringify(counts);
      if (triggered && !outcome && key !== lastCounts) o.emit({ kind: 'rollout-progress', atMs: o.nowMs(), ...counts });
      lastCounts = key;
      evaluate();
    },
    begin(generation) {
      // A scenario may roll the same workload again: each begin() tracks a new rollout from here.
      if (settleTimer) clearTimeout(settleTimer);
      settleTimer = null;
      outcome = null;
      baseGeneration = latest?.metadata?.generation ?? baseGeneration;
      lastCounts = '';
      waitGeneration = generation;
      triggered = true;
      for (const e of eventsSeenEarly(kind, beforeBegin, generation)) o.emit(e);
      beforeBegin = [];
      evaluate();
    },
    podGone: settleIfDone,
    fail(reason) {
      o.emit({ kind: 'rollout-failed', atMs: o.nowMs(), reason });
      finish({ status: 'failed', atMs: o.nowMs(), reason });
    },
    latest: () => latest,
    wait(timeoutMs, signal) {
      if (outcome) return Promise.resolve(outcome);
      return new Promise<RolloutOutcome>((resolve) => {
        const done = (r: RolloutOutcome): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(done);
          resolve(r);
        };
        const onAbort = (): void => done({ status: 'aborted', atMs: o.nowMs() });
        const timer = setTimeout(() => {
          // kubectl already said complete; only the old pods were slow to go.
          if (settleTimer) return complete();
          const state = latest ? kind.state(latest).message : `no ${kind.kind} status seen`;
          const reason = `rollout did not complete within ${Math.round(timeoutMs / 1000)}s (${state})`;
          o.emit({ kind: 'rollout-failed', atMs: o.nowMs(), reason });
          finish({ status: 'timeout', atMs: o.nowMs(), reason });
        }, timeoutMs);
        waiters.add(done);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    stop: () => finish({ status: 'aborted', atMs: o.nowMs() }),
  };
}

/** eventsSeenEarly: the events of the statuses of the triggered generation that the watch showed before begin(), each at the moment it was seen. */
function eventsSeenEarly(kind: WorkloadKind, seen: ReadonlyArray<{ w: WorkloadLike; atMs: number }>, generation: number | null): ClusterEvent[] {
  if (generation === null || !kind.events) return [];
  const first = seen.findIndex((s) => (s.w.metadata?.generation ?? 0) >= generation);
  if (first < 0) return [];
  const out: ClusterEvent[] = [];
  let before = seen[first - 1]?.w ?? null;
  for (const s of seen.slice(first)) {
    out.push(...kind.events(before, s.w, s.atMs));
    before = s.w;
  }
  return out;
}
