import { createAggregator } from '../results/aggregator.js';
import type { Clock } from '../results/clock.js';
import type { TrafficBatch } from '../results/partial.js';
import { INTERVAL_MS, type OutcomeKind, type Population } from '../results/types.js';
import {
  createConnectionPool,
  type ConnectionPool,
  type ConnectionPoolOptions,
  type Slot,
} from './connection-pool.js';
import { createLeanPool } from './lean-pool.js';
import { Fifo } from './fifo.js';
import { InFlightRequest } from './request.js';
import { trustFor } from './connect-options.js';
import { createMixPicker, UPSTREAM_HEADER } from './front-door.js';
import type { TrafficSettings } from './settings.js';

/** EngineOptions configure one engine: one thread's share of the traffic. */
export interface EngineOptions {
  url: string;
  settings: TrafficSettings;
  clock: Clock;
  /** ratePerSec is this engine's share of the rate (settings.ratePerSec / workers). */
  ratePerSec: number;
  /** offsetMs shifts this engine's schedule so that workers interleave instead of sending together. */
  offsetMs?: number;
  /** source numbers this engine in connection ids ("w0:c3") and batches. */
  source?: number;
  /** wire: the batches cross to another thread (encode every histogram, attach none live). */
  wire?: boolean;
  /** sink gets a batch of closed intervals about every 100 ms and a last one at stop. */
  sink(batch: TrafficBatch): void;
}

/** EngineStop is what the engine knows when it stopped. */
export interface EngineStop {
  /** inFlightAtStop counts recorded requests still outstanding when the engine stopped. */
  inFlightAtStop: number;
  /** scheduleEndMs is where the schedule ended on the run clock (the end set by endAt, or the stop). */
  scheduleEndMs: number;
}

/** TrafficEngine sends the open-model schedule; it emits batches and never prints. */
export interface TrafficEngine {
  /**
   * start begins the schedule at run-clock time `atMs` (default now; workers share one).
   * Requests intended before `recordFromMs` (default: from the start) are warm-up, never counted.
   */
  start(atMs?: number, recordFromMs?: number): void;
  /** endAt bounds the schedule: nothing intended at or after `atMs` is sent. */
  endAt(atMs: number): void;
  /** stop ends the schedule, waits up to `drainMs` for outstanding requests, then closes every connection. */
  stop(drainMs: number): Promise<EngineStop>;
  inFlight(): number;
}

// Catch-up sends at most this many requests before letting I/O run.
const MAX_BATCH = 512;

/** createEngine builds an engine; nothing is sent before start(). */
export function createEngine(options: EngineOptions): TrafficEngine {
  const { settings, clock } = options;
  let recordFromMs = 0;
  const source = options.source ?? 0;
  const url = new URL(options.url);
  const path = url.pathname + url.search;
  const body = settings.body ? Buffer.from(settings.body) : null;
  const mix = settings.mix?.length ? settings.mix : [{ method: settings.method, weight: 1 }];
  const pickMix = createMixPicker(mix);
  const answerHeaders = { upstream: Buffer.from(UPSTREAM_HEADER, 'latin1') };
  const trust = trustFor(settings, url.origin);
  const podHeader = Buffer.from(settings.podHeader, 'latin1');
  const agg = createAggregator({ wire: options.wire === true });
  let connCounter = 0;
  const nextConnId = (): string => `w${source}:c${(connCounter += 1)}`;
  const makePool = settings.client === 'undici' ? createConnectionPool : createLeanPool;
  const poolOptions = (reset: boolean, size: number): ConnectionPoolOptions => ({
    origin: url.origin,
    timeoutMs: settings.timeoutMs,
    size,
    grow: reset,
    // One request per mix entry (its own method and path); a request's mixIndex picks it.
    requests: mix.map((m) => ({ path: m.path ?? path, method: m.method, headers: settings.headers, body, reset })),
    trust,
    podHeader: settings.podHeader,
    nextConnId,
    nowMs: clock.nowMs,
  });
  const keepalive = makePool(poolOptions(false, settings.connections));
  const fresh = makePool(poolOptions(true, 4096));
  const queues: Record<Population, Fifo<InFlightRequest>> = {
    keepalive: new Fifo(),
    fresh: new Fifo(),
  };
  const freshShare = settings.freshPercent / 100;
  const periodMs = 1000 / options.ratePerSec;
  let t0 = 0;
  let endAtMs = Infinity;
  let k = 0;
  let running = false;
  let closed = false;
  let inFlight = 0;
  let countedInFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let onIdle: (() => void) | null = null;
  // Settled requests whose connection goes back to the pool in one microtask per batch
  // (queueMicrotask costs an AsyncResource per call; a resolved promise's then does not).
  const toRelease: InFlightRequest[] = [];
  let releaseQueued = false;
  // parked: the in-flight cap is full and no loop timer is set; capacity only comes back when a
  // request settles, so the schedule waits for that instead of waking every ms to drop requests.
  let parked = false;
  let unparked = false;
  const resolved = Promise.resolve();

  const settle = (r: InFlightRequest, kind: OutcomeKind, code?: string, message?: string): void => {
    if (r.settled) return;
    r.settled = true;
    inFlight -= 1;
    if (r.counted) countedInFlight -= 1;
    const slot = r.slot;
    if (closed) return;
    r.endAtMs = clock.nowMs();
    if (r.counted) {
      // The request is its own outcome record (RequestOutcome's shape): no object per request.
      if (r.startAtMs === 0) r.startAtMs = r.endAtMs;
      r.kind = kind;
      r.errorCode = code;
      r.message = message;
      agg.done(r);
    }
    if (parked) {
      // Everything intended since the cap filled up met a full cap: dropped, in its own interval.
      parked = false;
      dropDue(r.endAtMs);
      if (slot === null) immediate ??= setImmediate(loop);
      else unparked = true;
    }
    // Never dispatch from inside the client's own callback (it may be iterating its queue): next microtask.
    if (slot !== null) {
      toRelease.push(r);
      if (!releaseQueued) {
        releaseQueued = true;
        void resolved.then(releaseAll);
      }
    }
    if (inFlight === 0 && onIdle) onIdle();
  };

  const releaseAll = (): void => {
    releaseQueued = false;
    // One clock reading for the batch: its requests go out within microseconds of it.
    const nowMs = clock.nowMs();
    // Walks the live length: a dispatch that fails synchronously adds to the list while it runs.
    for (let i = 0; i < toRelease.length && !closed; i += 1) {
      const r = toRelease[i] as InFlightRequest;
      const fromFresh = r.population === 'fresh';
      release(
        fromFresh ? fresh : keepalive,
        fromFresh ? queues.fresh : queues.keepalive,
        r.slot as Slot,
        nowMs,
      );
    }
    toRelease.length = 0;
    if (unparked) {
      unparked = false;
      loop();
      return;
    }
    // Capacity came back: send what is due now instead of at the next timer (timers have 1 ms
    // steps, so at more than 1 000/s a timer-only loop sends in bursts, and a full in-flight cap
    // would idle until the next one).
    if (running && t0 + k * periodMs <= nowMs) fireDue(nowMs, MAX_BATCH);
  };

  // nowMs: the caller's clock reading taken just before (one reading per request, not one per step).
  const dispatch = (pool: ConnectionPool, slot: Slot, r: InFlightRequest, nowMs: number): void => {
    r.slot = slot;
    r.startAtMs = nowMs;
    agg.started(nowMs, nowMs - r.intendedAtMs, r.counted);
    r.connId = pool.connectionFor(slot);
    pool.dispatch(slot, r);
  };

  const release = (
    pool: ConnectionPool,
    queue: Fifo<InFlightRequest>,
    slot: Slot,
    nowMs: number,
  ): void => {
    if (queue.length === 0) {
      pool.release(slot);
      return;
    }
    expire(queue, nowMs);
    const next = queue.shift();
    if (next === undefined) pool.release(slot);
    else dispatch(pool, slot, next, nowMs);
  };

  // A request that waited --timeout for a free connection never reached the target: it is the
  // generator's shortfall (too few --connections for the rate), not a timeout of the server.
  const expire = (queue: Fifo<InFlightRequest>, nowMs: number): void => {
    const oldest = nowMs - settings.timeoutMs;
    while (queue.length > 0 && (queue.peek() as InFlightRequest).intendedAtMs < oldest) {
      settleQueueExpired(queue.shift() as InFlightRequest, nowMs);
    }
  };

  /** settleQueueExpired ends a request that never got a connection: counted apart, never a failure. */
  const settleQueueExpired = (r: InFlightRequest, nowMs: number): void => {
    if (r.settled) return;
    r.settled = true;
    inFlight -= 1;
    if (r.counted) {
      countedInFlight -= 1;
      if (!closed) agg.queueExpired(nowMs);
    }
    if (inFlight === 0 && onIdle) onIdle();
  };

  const fire = (intendedAtMs: number, index: number): void => {
    const nowMs = clock.nowMs();
    const counted = intendedAtMs >= recordFromMs;
    const population: Population = isFresh(index, freshShare) ? 'fresh' : 'keepalive';
    if (inFlight >= settings.maxInFlight) {
      if (counted) agg.dropped(nowMs);
      return;
    }
    inFlight += 1;
    if (counted) {
      countedInFlight += 1;
      agg.sent(nowMs, population);
    }
    const mixIndex = pickMix();
    const r = new InFlightRequest(intendedAtMs, population, counted, podHeader, settle, (mix[mixIndex] as { method: string }).method, answerHeaders);
    r.mixIndex = mixIndex;
    const pool = population === 'fresh' ? fresh : keepalive;
    const slot = pool.acquire();
    if (slot === null) queues[population].push(r);
    else dispatch(pool, slot, r, nowMs);
  };

  // fireDue sends every request intended up to `limitMs` (before the schedule's end), at most `max`.
  const fireDue = (limitMs: number, max: number): number => {
    let next = t0 + k * periodMs;
    let n = 0;
    while (next <= limitMs && next < endAtMs && n < max) {
      if (inFlight >= settings.maxInFlight) {
        // Nothing settles while this pass runs without sending: every request still due in
        // it is dropped too. Count them in one go instead of one aggregator call each.
        let counted = 0;
        while (next <= limitMs && next < endAtMs && n < max) {
          if (next >= recordFromMs) counted += 1;
          k += 1;
          n += 1;
          next = t0 + k * periodMs;
        }
        if (counted > 0) agg.dropped(clock.nowMs(), counted);
        break;
      }
      fire(next, k);
      k += 1;
      n += 1;
      next = t0 + k * periodMs;
    }
    return next;
  };

  // dropDue counts every request intended before `untilMs` as dropped, each in the interval it was intended in.
  const dropDue = (untilMs: number): void => {
    let next = t0 + k * periodMs;
    let at = 0;
    let count = 0;
    while (next < untilMs && next < endAtMs) {
      if (next >= recordFromMs) {
        if (count > 0 && Math.floor(next / INTERVAL_MS) !== Math.floor(at / INTERVAL_MS)) {
          agg.dropped(at, count);
          count = 0;
        }
        if (count === 0) at = next;
        count += 1;
      }
      k += 1;
      next = t0 + k * periodMs;
    }
    if (count > 0) agg.dropped(at, count);
  };

  const loop = (): void => {
    timer = null;
    immediate = null;
    if (!running) return;
    const next = fireDue(clock.nowMs(), MAX_BATCH);
    if (!running || next >= endAtMs) return;
    if (inFlight >= settings.maxInFlight) {
      parked = true;
      return;
    }
    if (next <= clock.nowMs()) immediate = setImmediate(loop);
    else timer = setTimeout(loop, Math.max(0, Math.floor(next - clock.nowMs())));
  };

  const flush = (all: boolean): void => {
    const nowMs = clock.nowMs();
    // A parked schedule's drops are counted at least once per interval, so the live view shows them.
    if (parked) dropDue(nowMs);
    if (!all) {
      expire(queues.keepalive, nowMs);
      expire(queues.fresh, nowMs);
    }
    const partials = agg.flush(nowMs, all);
    options.sink({
      source,
      partials,
      closedBefore: all ? Number.MAX_SAFE_INTEGER : Math.floor(nowMs / INTERVAL_MS),
    });
  };

  return {
    start(atMs, recordFrom) {
      if (running || closed) return;
      running = true;
      const startAtMs = atMs ?? clock.nowMs();
      recordFromMs = recordFrom ?? startAtMs;
      t0 = startAtMs + (options.offsetMs ?? 0);
      flushTimer = setInterval(() => flush(false), INTERVAL_MS);
      loop();
    },
    endAt(atMs) {
      endAtMs = atMs;
    },
    async stop(drainMs) {
      // Catch up to now (a late timer must not lose the schedule's last requests), then stop.
      if (running && parked) dropDue(clock.nowMs());
      parked = false; // nothing is scheduled after the stop: no more drops to count
      if (running) fireDue(clock.nowMs(), Number.MAX_SAFE_INTEGER);
      const scheduleEndMs = Math.min(clock.nowMs(), endAtMs);
      running = false;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      if (inFlight > 0 && drainMs > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, drainMs);
          onIdle = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      if (flushTimer) clearInterval(flushTimer);
      closed = true;
      const inFlightAtStop = countedInFlight;
      flush(true);
      await Promise.all([keepalive.destroy(), fresh.destroy()]);
      return { inFlightAtStop, scheduleEndMs };
    },
    inFlight: () => inFlight,
  };
}

/** isFresh spreads the fresh share evenly: request k is fresh when it crosses the next multiple of 1/share. */
function isFresh(k: number, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return Math.floor((k + 1) * share) > Math.floor(k * share);
}
