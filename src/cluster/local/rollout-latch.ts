import type { DriverContext, RolloutOutcome } from '../driver.js';

/** RolloutLatch holds how the current rollout ended, once, and wakes whoever waits for it. */
export interface RolloutLatch {
  readonly outcome: RolloutOutcome | null;
  /** running: a rollout was begun and has not ended. */
  readonly running: boolean;
  /** begin starts a new rollout (a running one ends as superseded). */
  begin(): void;
  settle(outcome: RolloutOutcome): RolloutOutcome;
  /** fail ends the rollout as failed or timed out, with a `rollout-failed` event. */
  fail(reason: string, status: 'failed' | 'timeout'): RolloutOutcome;
  /** done resolves with the outcome (at once when no rollout was begun). */
  done(): Promise<RolloutOutcome>;
}

/** createRolloutLatch makes the latch; events go to `ctx`. */
export function createRolloutLatch(ctx: DriverContext): RolloutLatch {
  let begun = false;
  let outcome: RolloutOutcome | null = null;
  let waiters: Array<(o: RolloutOutcome) => void> = [];
  const latch: RolloutLatch = {
    get outcome() {
      return outcome;
    },
    get running() {
      return begun && outcome === null;
    },
    begin() {
      if (latch.running) latch.settle({ status: 'failed', atMs: ctx.clock.nowMs(), reason: 'superseded by a newer rollout' });
      begun = true;
      outcome = null;
    },
    settle(o) {
      if (!latch.running) return outcome ?? o;
      outcome = o;
      for (const w of waiters) w(o);
      waiters = [];
      return o;
    },
    fail(reason, status) {
      const atMs = ctx.clock.nowMs();
      if (!latch.running) return outcome ?? { status, atMs, reason };
      ctx.emit({ kind: 'rollout-failed', reason, atMs });
      return latch.settle({ status, atMs, reason });
    },
    done() {
      if (!begun) return Promise.resolve({ status: 'complete', atMs: ctx.clock.nowMs() });
      if (outcome) return Promise.resolve(outcome);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
  return latch;
}
