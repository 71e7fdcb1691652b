// One coarse timer for every deadline of a connection pool, instead of a timer
// per request: arming is a field write, and a connection stays in the wheel for
// as long as it has any deadline. A deadline never fires early, at most one tick late.

/** Expiring is something with one deadline (0: none) that the wheel calls back once it passes. */
export interface Expiring {
  deadlineMs: number;
  /** wheelTick is the tick of the bucket that holds it (-1: not in the wheel); the wheel's own field. */
  wheelTick: number;
  /** wheelSeen is the last tick at which the wheel visited it; the wheel's own field. */
  wheelSeen: number;
  expire(nowMs: number): void;
}

/** TimerWheel holds deadlines in buckets of `tickMs` on a ring and checks them once a tick. */
export class TimerWheel {
  private readonly ring: Expiring[][];
  private lastTick: number;
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly tickMs: number,
    private readonly now: () => number,
    slots = 512,
  ) {
    this.ring = Array.from({ length: slots }, () => []);
    this.lastTick = Math.floor(now() / tickMs);
  }

  /** arm sets `item`'s deadline (replacing any earlier one, later or sooner). */
  arm(item: Expiring, deadlineMs: number): void {
    item.deadlineMs = deadlineMs;
    const at = Math.max(Math.floor(deadlineMs / this.tickMs), this.lastTick + 1);
    // Already in a bucket visited no later than the new deadline: it is re-checked there.
    if (item.wheelTick >= 0 && item.wheelTick <= at) return;
    if (item.wheelTick < 0) this.count += 1;
    this.place(item, at);
    if (this.timer === null) this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  /** disarm clears `item`'s deadline; the wheel lets go of it at its next visit. */
  disarm(item: Expiring): void {
    item.deadlineMs = 0;
  }

  /** stop clears the wheel's timer; the next arm starts it again. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  // place puts `item` in the bucket of tick `at` (a sooner re-arm leaves a stale entry behind, dropped at its visit).
  private place(item: Expiring, at: number): void {
    item.wheelTick = at;
    (this.ring[at % this.ring.length] as Expiring[]).push(item);
  }

  private tick(): void {
    const nowMs = this.now();
    const upTo = Math.floor(nowMs / this.tickMs);
    // After a long stall visit each bucket once, not once per missed tick.
    const from = Math.max(this.lastTick + 1, upTo - this.ring.length + 1);
    for (let t = from; t <= upTo; t += 1) {
      const i = t % this.ring.length;
      const bucket = this.ring[i] as Expiring[];
      this.lastTick = t;
      if (bucket.length === 0) continue;
      const keep: Expiring[] = [];
      this.ring[i] = keep;
      for (const item of bucket) this.visit(item, t, nowMs, keep);
    }
    this.lastTick = upTo;
    if (this.count === 0) this.stop();
  }

  private visit(item: Expiring, t: number, nowMs: number, keep: Expiring[]): void {
    if (item.wheelSeen === t) return; // a duplicate entry, already handled this tick
    if (item.wheelTick > t) {
      // A later turn of the ring (kept once), or a stale entry of an item now placed elsewhere.
      if (item.wheelTick % this.ring.length === t % this.ring.length) {
        item.wheelSeen = t;
        keep.push(item);
      }
      return;
    }
    // Stale: an entry of an item now placed in another bucket. An entry of this
    // bucket from an earlier turn is overdue: its tick was skipped after a stall
    // longer than the ring, and it is due now.
    if (item.wheelTick !== t && item.wheelTick % this.ring.length !== t % this.ring.length) return;
    item.wheelSeen = t;
    if (item.deadlineMs !== 0 && item.deadlineMs > nowMs) {
      this.place(item, Math.max(Math.floor(item.deadlineMs / this.tickMs), t + 1));
      return;
    }
    item.wheelTick = -1;
    this.count -= 1;
    if (item.deadlineMs === 0) return;
    item.deadlineMs = 0;
    item.expire(nowMs);
  }
}
