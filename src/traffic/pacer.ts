import type { Aggregator } from '../results/aggregator.js';
import type { Clock } from '../results/clock.js';
import { INTERVAL_MS } from '../results/types.js';

/** Sender is what the pacer hands each due request to (the engine's dispatch). */
export interface Sender {
  /** inFlight counts requests sent and not yet settled (warm-up ones too). */
  readonly inFlight: number;
  /** send sends (or queues) request number `index`, intended at `intendedAtMs`; `counted`: not warm-up. */
  send(intendedAtMs: number, index: number, counted: boolean): void;
}

/** PacerOptions configure one engine's schedule. */
export interface PacerOptions {
  ratePerSec: number;
  /** maxInFlight caps outstanding requests; what is due beyond it is dropped. */
  maxInFlight: number;
  clock: Clock;
  agg: Aggregator;
  /** sender gets each due request. */
  sender: Sender;
}

// Catch-up sends at most this many requests before letting I/O run.
const MAX_BATCH = 512;

/**
 * Pacer runs the open-model schedule: request k is intended at t0 + k / rate,
 * sent when due (catching up when behind), dropped when the in-flight cap is
 * full. While the cap is full it parks (no timer) until a request settles.
 */
export class Pacer {
  /** parked: the cap is full and no loop timer is set; the next settle wakes the schedule. */
  parked = false;
  // unparked: woken by a settle that frees a slot; the loop runs once the slots are released.
  private unparked = false;
  private running = false;
  private t0 = 0;
  private k = 0;
  private endAtMs = Infinity;
  private recordFromMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly periodMs: number;
  private readonly sender: Sender;

  constructor(private readonly o: PacerOptions) {
    this.periodMs = 1000 / o.ratePerSec;
    this.sender = o.sender;
  }

  /** start begins the schedule at `t0`; requests intended before `recordFromMs` are warm-up. */
  start(t0: number, recordFromMs: number): void {
    this.running = true;
    this.t0 = t0;
    this.recordFromMs = recordFromMs;
    this.loop();
  }

  /** endAt bounds the schedule: nothing intended at or after `atMs` is sent. */
  endAt(atMs: number): void {
    this.endAtMs = atMs;
  }

  /** stop catches up to now (a late timer must not lose the schedule's last requests) and ends the schedule; it returns where it ended. */
  stop(): number {
    const { clock } = this.o;
    if (this.running && this.parked) this.dropDue(clock.nowMs());
    this.parked = false; // nothing is scheduled after the stop: no more drops to count
    if (this.running) this.fireDue(clock.nowMs(), Number.MAX_SAFE_INTEGER);
    const scheduleEndMs = Math.min(clock.nowMs(), this.endAtMs);
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    return scheduleEndMs;
  }

  /** dropParked counts a parked schedule's drops up to `nowMs`, so the live view shows them at least once per interval. */
  dropParked(nowMs: number): void {
    if (this.parked) this.dropDue(nowMs);
  }

  /**
   * unpark is told by a settle while parked: everything intended since the cap
   * filled up met a full cap (dropped, in its own interval); the loop resumes now
   * (`slotless`: no slot to release first) or once the freed slot is released.
   */
  unpark(atMs: number, slotless: boolean): void {
    this.parked = false;
    this.dropDue(atMs);
    if (slotless) this.immediate ??= setImmediate(this.loop);
    else this.unparked = true;
  }

  /**
   * capacityBack is told after settled requests gave their slots back: send what
   * is due now instead of at the next timer (timers have 1 ms steps, so at more
   * than 1 000/s a timer-only loop sends in bursts, and a full cap would idle
   * until the next one).
   */
  capacityBack(nowMs: number): void {
    if (this.unparked) {
      this.unparked = false;
      this.loop();
      return;
    }
    if (this.running && this.t0 + this.k * this.periodMs <= nowMs) this.fireDue(nowMs, MAX_BATCH);
  }

  private readonly loop = (): void => {
    this.timer = null;
    this.immediate = null;
    if (!this.running) return;
    const { clock } = this.o;
    const next = this.fireDue(clock.nowMs(), MAX_BATCH);
    if (!this.running || next >= this.endAtMs) return;
    if (this.sender.inFlight >= this.o.maxInFlight) {
      this.parked = true;
      return;
    }
    if (next <= clock.nowMs()) this.immediate = setImmediate(this.loop);
    else this.timer = setTimeout(this.loop, Math.max(0, Math.floor(next - clock.nowMs())));
  };

  // fireDue sends every request intended up to `limitMs` (before the schedule's end), at most `max`;
  // it returns when the next one is intended.
  private fireDue(limitMs: number, max: number): number {
    const { t0, periodMs, endAtMs, sender } = this;
    const maxInFlight = this.o.maxInFlight;
    let next = t0 + this.k * periodMs;
    let n = 0;
    while (next <= limitMs && next < endAtMs && n < max) {
      if (sender.inFlight >= maxInFlight) return this.dropFull(limitMs, max - n);
      sender.send(next, this.k, next >= this.recordFromMs);
      this.k += 1;
      n += 1;
      next = t0 + this.k * periodMs;
    }
    return next;
  }

  // dropFull drops what is still due in this pass: nothing settles while it runs without sending,
  // so every request due in it meets the full cap. Counted in one go, not one aggregator call each.
  private dropFull(limitMs: number, max: number): number {
    const { t0, periodMs, endAtMs } = this;
    let next = t0 + this.k * periodMs;
    let n = 0;
    let counted = 0;
    while (next <= limitMs && next < endAtMs && n < max) {
      if (next >= this.recordFromMs) counted += 1;
      this.k += 1;
      n += 1;
      next = t0 + this.k * periodMs;
    }
    if (counted > 0) this.o.agg.dropped(this.o.clock.nowMs(), counted);
    return next;
  }

  // dropDue counts every request intended before `untilMs` as dropped, each in the interval it was intended in.
  private dropDue(untilMs: number): void {
    const { t0, periodMs, endAtMs } = this;
    let next = t0 + this.k * periodMs;
    let at = 0;
    let count = 0;
    while (next < untilMs && next < endAtMs) {
      if (next >= this.recordFromMs) {
        if (count > 0 && Math.floor(next / INTERVAL_MS) !== Math.floor(at / INTERVAL_MS)) {
          this.o.agg.dropped(at, count);
          count = 0;
        }
        if (count === 0) at = next;
        count += 1;
      }
      this.k += 1;
      next = t0 + this.k * periodMs;
    }
    if (count > 0) this.o.agg.dropped(at, count);
  }
}
