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
  // so every request due in it meets the full cap. Counted in one go, not one aggregator call each,
  // and by arithmetic, not one step each (flat out at 200 000/s, most of the schedule is dropped).
  private dropFull(limitMs: number, max: number): number {
    const from = this.k;
    const end = Math.min(from + max, this.firstAfter(limitMs, from), this.firstAtOrAfter(this.endAtMs, from));
    const counted = end - Math.min(end, Math.max(from, this.firstAtOrAfter(this.recordFromMs, from)));
    this.k = Math.max(from, end);
    if (counted > 0) this.o.agg.dropped(this.o.clock.nowMs(), counted);
    return this.t0 + this.k * this.periodMs;
  }

  // dropDue counts every request intended before `untilMs` as dropped, each in the interval it was intended in
  // (one aggregator call per interval, its count by arithmetic).
  private dropDue(untilMs: number): void {
    const { t0, periodMs } = this;
    const end = Math.max(this.k, this.firstAtOrAfter(Math.min(untilMs, this.endAtMs), this.k));
    let k = Math.min(end, Math.max(this.k, this.firstAtOrAfter(this.recordFromMs, this.k)));
    while (k < end) {
      const at = t0 + k * periodMs;
      const next = Math.min(end, this.firstAtOrAfter((Math.floor(at / INTERVAL_MS) + 1) * INTERVAL_MS, k + 1));
      this.o.agg.dropped(at, next - k);
      k = next;
    }
    this.k = end;
  }

  // firstAtOrAfter is the first request number from `from` on intended at or after `ms`: the one the
  // step-by-step loop (`t0 + k * periodMs < ms`) stops at, its float arithmetic included.
  private firstAtOrAfter(ms: number, from: number): number {
    if (ms === Infinity) return Number.MAX_SAFE_INTEGER;
    const { t0, periodMs } = this;
    let k = Math.max(from, Math.ceil((ms - t0) / periodMs));
    while (k > from && t0 + (k - 1) * periodMs >= ms) k -= 1;
    while (t0 + k * periodMs < ms) k += 1;
    return k;
  }

  // firstAfter is the first request number from `from` on intended after `ms` (the loop's `<= ms` stop).
  private firstAfter(ms: number, from: number): number {
    const { t0, periodMs } = this;
    let k = Math.max(from, Math.floor((ms - t0) / periodMs) + 1);
    while (k > from && t0 + (k - 1) * periodMs > ms) k -= 1;
    while (t0 + k * periodMs <= ms) k += 1;
    return k;
  }
}
