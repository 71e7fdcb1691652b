// One coarse timer for deadlines that come in the order they were set (every
// stream of an HTTP/2 pool gets the same --timeout from its dispatch), kept
// first-in first-out. A settled item leaves at once when it is at the head and
// within a tick otherwise: the queue never keeps a finished call (its request,
// its answer) alive until its deadline. The timer wheel would, for --timeout
// (5 s at 5 000/s is 25 000 finished streams that survive young-generation
// GCs, get promoted and lengthen every GC pause). A deadline never fires
// early, at most one tick late.

/** Deadline is something with one deadline (0: none, or settled) that the queue calls back once it passes. */
export interface Deadline {
  deadlineMs: number;
  expire(nowMs: number): void;
}

/** DeadlineQueue holds deadlines set in non-decreasing order and checks them once a tick. */
export class DeadlineQueue {
  private items: Deadline[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly tickMs: number,
    private readonly now: () => number,
  ) {}

  /** push sets `item`'s deadline; no earlier than any pushed before it. */
  push(item: Deadline, deadlineMs: number): void {
    item.deadlineMs = deadlineMs;
    this.items.push(item);
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
  }

  /** settle clears `item`'s deadline: it never fires, and the queue lets go of it. */
  settle(item: Deadline): void {
    item.deadlineMs = 0;
    this.dropSettled();
  }

  /** size counts the items held (settled ones not yet let go of included). */
  get size(): number {
    return this.items.length - this.head;
  }

  /** stop clears the queue's timer; the next push starts it again. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const nowMs = this.now();
    // An expiry settles its item and may push new ones (a freed slot sends the next call): read the fields afresh.
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Deadline;
      if (item.deadlineMs > nowMs) break;
      this.head += 1;
      if (item.deadlineMs === 0) continue;
      item.deadlineMs = 0;
      item.expire(nowMs);
    }
    // Settled items behind a live one: let go of them now, not when the head goes.
    const kept: Deadline[] = [];
    for (let i = this.head; i < this.items.length; i += 1) {
      const item = this.items[i] as Deadline;
      if (item.deadlineMs !== 0) kept.push(item);
    }
    this.items = kept;
    this.head = 0;
    if (kept.length === 0) this.stop();
  }

  // dropSettled lets go of settled items at the head; far into the array, the array is cut.
  private dropSettled(): void {
    while (this.head < this.items.length && (this.items[this.head] as Deadline).deadlineMs === 0) this.head += 1;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
  }
}
