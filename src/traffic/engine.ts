import { createAggregator } from '../results/aggregator.js';
import type { Clock } from '../results/clock.js';
import type { TrafficBatch } from '../results/partial.js';
import { INTERVAL_MS } from '../results/types.js';
import { createConnectionBook, type ConnectionBook } from './connection-book.js';
import { trustFor } from './connect-options.js';
import { Dispatch } from './dispatch.js';
import { createMixPicker, type MixEntry } from './front-door.js';
import { Pacer } from './pacer.js';
import type { ConnectionEvent, ProtocolPool, ProtocolPoolOptions } from './protocol.js';
import { protocolClient } from './protocols.js';
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
  /** onConnection, when given, is also told each connection's lifecycle by the protocol client (the engine records them itself). */
  onConnection?: (event: ConnectionEvent) => void;
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

/**
 * createEngine builds an engine from its two halves: the pacer (the open-model
 * schedule) and dispatch (pools, queues, settling), over the protocol client
 * that `settings.protocol` and `settings.client` name; nothing is sent before start().
 */
export function createEngine(options: EngineOptions): TrafficEngine {
  const { settings, clock } = options;
  const source = options.source ?? 0;
  const agg = createAggregator({ wire: options.wire === true });
  const mix = mixOf(settings);
  const book = settings.protocol === 'http1' ? null : createConnectionBook();
  const dispatch = new Dispatch({
    clock,
    agg,
    makePool: poolMaker(options, source, book),
    methods: mix.map((m) => m.method),
    pickMix: createMixPicker(mix),
    freshPercent: settings.freshPercent,
    maxInFlight: settings.maxInFlight,
    timeoutMs: settings.timeoutMs,
    ...(book !== null ? { failed: book.failed } : {}),
  });
  const pacer = new Pacer({ ratePerSec: options.ratePerSec, maxInFlight: settings.maxInFlight, clock, agg, sender: dispatch });
  dispatch.pacing = pacer;
  let running = false;
  let closed = false;
  let flushTimer: NodeJS.Timeout | null = null;

  const flush = (all: boolean): void => {
    const nowMs = clock.nowMs();
    pacer.dropParked(nowMs);
    if (!all) dispatch.expireQueues(nowMs);
    const partials = agg.flush(nowMs, all);
    const connections = book?.take() ?? null;
    options.sink({
      source,
      partials,
      closedBefore: all ? Number.MAX_SAFE_INTEGER : Math.floor(nowMs / INTERVAL_MS),
      ...(connections !== null ? { connections } : {}),
    });
  };

  return {
    start(atMs, recordFrom) {
      if (running || closed) return;
      running = true;
      const startAtMs = atMs ?? clock.nowMs();
      flushTimer = setInterval(() => flush(false), INTERVAL_MS);
      pacer.start(startAtMs + (options.offsetMs ?? 0), recordFrom ?? startAtMs);
    },
    endAt: (atMs) => pacer.endAt(atMs),
    async stop(drainMs) {
      const scheduleEndMs = pacer.stop();
      running = false;
      await dispatch.whenIdle(drainMs);
      if (flushTimer) clearInterval(flushTimer);
      closed = true;
      dispatch.close();
      const inFlightAtStop = dispatch.countedInFlight;
      // Closing the connections first puts them in the last batch, as open at stop.
      book?.stopping();
      await dispatch.destroy();
      flush(true);
      return { inFlightAtStop, scheduleEndMs };
    },
    inFlight: () => dispatch.inFlight,
  };
}

/**
 * poolMaker makes the pools of the protocol client the settings name: keep-alive
 * (--connections) and fresh (grows per request); each tells the book (HTTP/2 and
 * gRPC: connections are records) and `options.onConnection` its connections' lives.
 */
function poolMaker(options: EngineOptions, source: number, book: ConnectionBook | null): (fresh: boolean, settle: ProtocolPoolOptions['settle']) => ProtocolPool {
  const { settings, clock } = options;
  const url = new URL(options.url);
  const path = url.pathname + url.search;
  const body = settings.body ? Buffer.from(settings.body) : null;
  const mix = mixOf(settings);
  const client = protocolClient(settings.protocol, settings.client);
  // url.origin is "null" for a scheme the URL standard does not know (a protocol's own, e.g. grpc://).
  const origin = `${url.protocol}//${url.host}`;
  const trust = trustFor(settings, origin);
  let connCounter = 0;
  const nextConnId = (): string => `w${source}:c${(connCounter += 1)}`;
  return (fresh, settle) => {
    const watch = connectionWatch(book?.sink(fresh ? 'fresh' : 'keepalive'), options.onConnection);
    return client.createPool({
      origin,
      timeoutMs: settings.timeoutMs,
      size: fresh ? FRESH_POOL_CAP : settings.connections,
      grow: fresh,
      // One request per mix entry (its own method and path); a request's mixIndex picks it.
      requests: mix.map((m) => ({ path: m.path ?? path, method: m.method, headers: settings.headers, body, reset: fresh })),
      trust,
      podHeader: settings.podHeader,
      nextConnId,
      nowMs: clock.nowMs,
      settle,
      ...(watch !== undefined ? { onConnection: watch } : {}),
    });
  };
}

type Watch = (event: ConnectionEvent) => void;

/** connectionWatch is one watcher made of two optional ones (undefined when neither: the client then pays nothing). */
function connectionWatch(a: Watch | undefined, b: Watch | undefined): Watch | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return (e) => {
    a(e);
    b(e);
  };
}

/** mixOf is the request mix: --mix, or one entry of --method. */
function mixOf(settings: TrafficSettings): MixEntry[] {
  return settings.mix?.length ? settings.mix : [{ method: settings.method, weight: 1 }];
}

// The fresh pool opens a connection per request: this many at once at most.
const FRESH_POOL_CAP = 4096;
