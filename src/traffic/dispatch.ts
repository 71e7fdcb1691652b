import type { Aggregator } from '../results/aggregator.js';
import type { Clock } from '../results/clock.js';
import type { OutcomeKind, Population } from '../results/types.js';
import { Fifo } from './fifo.js';
import type { Sender } from './pacer.js';
import type { ProtocolPool, ProtocolPoolOptions, Slot } from './protocol.js';
import { InFlightRequest } from './request.js';

/** Pacing is what dispatch tells the schedule: a settle while it is parked, and capacity given back. */
export interface Pacing {
  readonly parked: boolean;
  unpark(atMs: number, slotless: boolean): void;
  capacityBack(nowMs: number): void;
}

/** DispatchOptions configure the engine's dispatch: its two pools and what it records into. */
export interface DispatchOptions {
  clock: Clock;
  agg: Aggregator;
  /** makePool makes a population's pool (the protocol client's, with its size); dispatch adds `settle`. */
  makePool(fresh: boolean, settle: ProtocolPoolOptions['settle']): ProtocolPool;
  /** methods are the --mix entries' methods; pickMix picks an entry for each request. */
  methods: string[];
  pickMix(): number;
  /** freshPercent is the share of requests sent each on a new connection. */
  freshPercent: number;
  maxInFlight: number;
  timeoutMs: number;
  /** failed, when given, is told each failed request's connection and kind while the run records (not at stop). */
  failed?: (connId: string, kind: OutcomeKind) => void;
}

const NOT_PACED: Pacing = { parked: false, unpark: () => undefined, capacityBack: () => undefined };

/**
 * Dispatch carries requests from the schedule to the protocol client: a
 * keep-alive and a fresh-connection pool, a wait queue for each when every slot
 * is busy, the settle that records each outcome, and the release of a settled
 * request's slot to the next waiting request (never from inside the client's
 * own callback). It knows the client only as a ProtocolPool.
 */
export class Dispatch implements Sender {
  inFlight = 0;
  /** countedInFlight counts the outstanding requests that are recorded (not warm-up). */
  countedInFlight = 0;
  /** pacing is the schedule it wakes (set once the pacer exists). */
  pacing: Pacing = NOT_PACED;
  private closed = false;
  private onIdle: (() => void) | null = null;
  // Settled requests whose connection goes back to the pool in one microtask per batch
  // (queueMicrotask costs an AsyncResource per call; a resolved promise's then does not).
  private readonly toRelease: InFlightRequest[] = [];
  private releaseQueued = false;
  private readonly keepalive: ProtocolPool;
  private readonly fresh: ProtocolPool;
  private readonly queues: Record<Population, Fifo<InFlightRequest>> = { keepalive: new Fifo(), fresh: new Fifo() };
  private readonly freshShare: number;

  constructor(private readonly o: DispatchOptions) {
    this.keepalive = o.makePool(false, this.settle);
    this.fresh = o.makePool(true, this.settle);
    this.freshShare = o.freshPercent / 100;
  }

  send(intendedAtMs: number, index: number, counted: boolean): void {
    const o = this.o;
    const nowMs = o.clock.nowMs();
    const population: Population = isFresh(index, this.freshShare) ? 'fresh' : 'keepalive';
    if (this.inFlight >= o.maxInFlight) {
      if (counted) o.agg.dropped(nowMs);
      return;
    }
    this.inFlight += 1;
    if (counted) {
      this.countedInFlight += 1;
      o.agg.sent(nowMs, population);
    }
    const mixIndex = o.pickMix();
    const r = new InFlightRequest(intendedAtMs, population, counted, o.methods[mixIndex]);
    r.mixIndex = mixIndex;
    const pool = population === 'fresh' ? this.fresh : this.keepalive;
    const slot = pool.acquire();
    if (slot === null) this.queues[population].push(r);
    else this.start(pool, slot, r, nowMs);
  }

  /** expireQueues ends the waiting requests that are past --timeout. */
  expireQueues(nowMs: number): void {
    this.expire(this.queues.keepalive, nowMs);
    this.expire(this.queues.fresh, nowMs);
  }

  /** whenIdle resolves once nothing is in flight, or after `drainMs`. */
  async whenIdle(drainMs: number): Promise<void> {
    if (this.inFlight === 0 || drainMs <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, drainMs);
      this.onIdle = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** close stops recording and releasing: what settles from now on is no longer counted. */
  close(): void {
    this.closed = true;
  }

  /** destroy closes every connection of both pools. */
  async destroy(): Promise<void> {
    await Promise.all([this.keepalive.destroy(), this.fresh.destroy()]);
  }

  private readonly settle = (r: InFlightRequest, kind: OutcomeKind, code?: string, message?: string): void => {
    if (r.settled) return;
    r.settled = true;
    this.inFlight -= 1;
    if (r.counted) this.countedInFlight -= 1;
    const slot = r.slot;
    if (this.closed) return;
    if (kind !== 'ok' && this.o.failed !== undefined) this.o.failed(r.connId, kind);
    r.endAtMs = this.o.clock.nowMs();
    if (r.counted) {
      // The request is its own outcome record (RequestOutcome's shape): no object per request.
      if (r.startAtMs === 0) r.startAtMs = r.endAtMs;
      r.kind = kind;
      r.errorCode = code;
      r.message = message;
      this.o.agg.done(r);
    }
    if (this.pacing.parked) this.pacing.unpark(r.endAtMs, slot === null);
    // Never dispatch from inside the client's own callback (it may be iterating its queue): next microtask.
    if (slot !== null) {
      this.toRelease.push(r);
      if (!this.releaseQueued) {
        this.releaseQueued = true;
        void RESOLVED.then(this.releaseAll);
      }
    }
    if (this.inFlight === 0 && this.onIdle) this.onIdle();
  };

  private readonly releaseAll = (): void => {
    this.releaseQueued = false;
    // One clock reading for the batch: its requests go out within microseconds of it.
    const nowMs = this.o.clock.nowMs();
    const toRelease = this.toRelease;
    // Walks the live length: a dispatch that fails synchronously adds to the list while it runs.
    for (let i = 0; i < toRelease.length && !this.closed; i += 1) {
      const r = toRelease[i] as InFlightRequest;
      const fromFresh = r.population === 'fresh';
      this.release(fromFresh ? this.fresh : this.keepalive, fromFresh ? this.queues.fresh : this.queues.keepalive, r.slot as Slot, nowMs);
    }
    toRelease.length = 0;
    this.pacing.capacityBack(nowMs);
  };

  // start sends `r` on `slot`; nowMs: the caller's clock reading taken just before (one reading per request, not one per step).
  private start(pool: ProtocolPool, slot: Slot, r: InFlightRequest, nowMs: number): void {
    r.slot = slot;
    r.startAtMs = nowMs;
    this.o.agg.started(nowMs, nowMs - r.intendedAtMs, r.counted);
    r.connId = pool.connectionFor(slot);
    pool.dispatch(slot, r);
  }

  // release hands a freed slot to the oldest waiting request (after expiring the too old), else back to its pool.
  private release(pool: ProtocolPool, queue: Fifo<InFlightRequest>, slot: Slot, nowMs: number): void {
    if (queue.length === 0) {
      pool.release(slot);
      return;
    }
    this.expire(queue, nowMs);
    const next = queue.shift();
    if (next === undefined) pool.release(slot);
    else this.start(pool, slot, next, nowMs);
  }

  // A request that waited --timeout for a free connection never reached the target: it is the
  // generator's shortfall (too few --connections for the rate), not a timeout of the server.
  private expire(queue: Fifo<InFlightRequest>, nowMs: number): void {
    const oldest = nowMs - this.o.timeoutMs;
    while (queue.length > 0 && (queue.peek() as InFlightRequest).intendedAtMs < oldest) {
      this.settleQueueExpired(queue.shift() as InFlightRequest, nowMs);
    }
  }

  // settleQueueExpired ends a request that never got a connection: counted apart, never a failure.
  private settleQueueExpired(r: InFlightRequest, nowMs: number): void {
    if (r.settled) return;
    r.settled = true;
    this.inFlight -= 1;
    if (r.counted) {
      this.countedInFlight -= 1;
      if (!this.closed) this.o.agg.queueExpired(nowMs);
    }
    if (this.inFlight === 0 && this.onIdle) this.onIdle();
  }
}

const RESOLVED = Promise.resolve();

/** isFresh spreads the fresh share evenly: request k is fresh when it crosses the next multiple of 1/share. */
function isFresh(k: number, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return Math.floor((k + 1) * share) > Math.floor(k * share);
}
