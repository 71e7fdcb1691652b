import { Client } from 'undici';
import { undiciConnectOptions, type TargetTrust } from './connect-options.js';
import type { InFlightRequest } from './request.js';

/**
 * Slot is one connection at a time (pipelining 1), so the engine knows exactly
 * which connection carried each request, whether it was reused, and which pod
 * last answered on it. Each client (undici, lean) has its own kind of slot.
 */
export interface Slot {
  /** connId is the id of the current (or last) connection. */
  connId: string;
  /** pendingConnId is the id reserved for a connection being opened for a dispatched request. */
  pendingConnId: string | null;
  connected: boolean;
  /** requests counts requests written on the current connection. */
  requests: number;
  /** pod is the --pod-header value last seen on the current connection. */
  pod: string | undefined;
}

/** RequestSpec is a request a pool sends, again and again (one per --mix entry). */
export interface RequestSpec {
  path: string;
  method: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
  /** reset closes the connection after each response (the fresh-connection population). */
  reset: boolean;
}

/** ConnectionPoolOptions configure one client population's connections. */
export interface ConnectionPoolOptions {
  origin: string;
  timeoutMs: number;
  /** size is the fixed size (keep-alive pool) or the cap of a growing pool (fresh pool). */
  size: number;
  /** grow makes slots on demand up to `size` instead of all at once. */
  grow: boolean;
  /** requests are the pool's requests, one per --mix entry: a request's mixIndex picks one. */
  requests: RequestSpec[];
  /** trust says how to dial and trust the target (--ca-cert, --insecure, --resolve); default: plain. */
  trust?: TargetTrust;
  /** podHeader is the lower-case name of the response header naming the pod. */
  podHeader: string;
  /** nextConnId hands out run-unique connection ids. */
  nextConnId(): string;
  /** nowMs is the engine's clock (monotonic ms). */
  nowMs(): number;
}

/** ConnectionPool hands out idle slots first-in first-out, so traffic spreads over every connection. */
export interface ConnectionPool {
  acquire(): Slot | null;
  release(slot: Slot): void;
  /** connectionFor reserves the id of the connection a request dispatched now on `slot` will use. */
  connectionFor(slot: Slot): string;
  /** dispatch sends the pool's request for `r` on `slot` (acquired, with its id reserved). */
  dispatch(slot: Slot, r: InFlightRequest): void;
  destroy(): Promise<void>;
  readonly size: number;
}

/** SlotKind is what a client supplies to make a pool of its slots. */
export interface SlotKind<S extends Slot> {
  make(): S;
  dispatch(slot: S, r: InFlightRequest): void;
  destroy(slot: S): Promise<void>;
  /** closed is told once every slot is destroyed. */
  closed?(): void;
}

/** createSlotPool keeps slots of one kind: a first-in first-out idle list, growing on demand when asked. */
export function createSlotPool<S extends Slot>(
  options: Pick<ConnectionPoolOptions, 'size' | 'grow' | 'nextConnId'>,
  kind: SlotKind<S>,
): ConnectionPool {
  const all: S[] = [];
  const idle: S[] = [];
  let idleHead = 0;
  const make = (): S => {
    const slot = kind.make();
    all.push(slot);
    return slot;
  };
  if (!options.grow) for (let i = 0; i < options.size; i += 1) idle.push(make());
  return {
    acquire() {
      if (idleHead < idle.length) {
        const slot = idle[idleHead] as S;
        idleHead += 1;
        if (idleHead > 1024 && idleHead * 2 > idle.length) {
          idle.splice(0, idleHead);
          idleHead = 0;
        }
        return slot;
      }
      return options.grow && all.length < options.size ? make() : null;
    },
    release(slot) {
      idle.push(slot as S);
    },
    connectionFor(slot) {
      if (slot.connected) return slot.connId;
      slot.pendingConnId ??= options.nextConnId();
      return slot.pendingConnId;
    },
    dispatch: (slot, r) => kind.dispatch(slot as S, r),
    async destroy() {
      await Promise.all(all.map((s) => kind.destroy(s)));
      kind.closed?.();
    },
    get size() {
      return all.length;
    },
  };
}

interface UndiciSlot extends Slot {
  readonly client: Client;
}

/** createConnectionPool makes a pool of single-connection undici Clients (the reference client). */
export function createConnectionPool(options: ConnectionPoolOptions): ConnectionPool {
  // undici reads the options and keeps nothing of them: one object per mix entry, not one per request.
  const opts = options.requests.map((spec) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of spec.headers) headers[k] = v;
    return {
      path: spec.path,
      method: spec.method,
      headers: spec.headers.length > 0 ? headers : null,
      body: spec.body,
      ...(spec.reset ? { reset: true } : {}),
    };
  });
  const connect = undiciConnectOptions(options.trust ?? { insecure: false }, options.timeoutMs, options.origin);
  return createSlotPool<UndiciSlot>(options, {
    make() {
      const client = new Client(options.origin, {
        pipelining: 1,
        connectTimeout: options.timeoutMs,
        ...connect,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        keepAliveTimeout: 4_000,
      });
      const slot: UndiciSlot = {
        client,
        connId: '',
        pendingConnId: null,
        connected: false,
        requests: 0,
        pod: undefined,
      };
      client.on('connect', () => {
        slot.connId = slot.pendingConnId ?? options.nextConnId();
        slot.pendingConnId = null;
        slot.connected = true;
        slot.requests = 0;
        slot.pod = undefined;
      });
      client.on('disconnect', () => void (slot.connected = false));
      client.on('connectionError', () => void (slot.pendingConnId = null));
      return slot;
    },
    dispatch: (slot, r) => void slot.client.dispatch(opts[r.mixIndex] as (typeof opts)[number], r),
    destroy: (slot) => slot.client.destroy().catch(() => undefined),
  });
}
