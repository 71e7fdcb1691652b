import { Client } from 'undici';
import type { ConnectOptions } from './connect-options.js';

/**
 * Slot is one undici Client with pipelining 1, i.e. one connection at a time,
 * so the engine knows exactly which connection carried each request, whether
 * it was reused, and which pod last answered on it.
 */
export interface Slot {
  readonly client: Client;
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

/** ConnectionPoolOptions configure one client population's connections. */
export interface ConnectionPoolOptions {
  origin: string;
  timeoutMs: number;
  /** size is the fixed size (keep-alive pool) or the cap of a growing pool (fresh pool). */
  size: number;
  /** grow makes slots on demand up to `size` instead of all at once. */
  grow: boolean;
  /** nextConnId hands out run-unique connection ids. */
  nextConnId(): string;
  /** connect says how to dial and trust the target (connect-options.ts); default: undici's own. */
  connect?: ConnectOptions;
}

/** ConnectionPool hands out idle slots first-in first-out, so traffic spreads over every connection. */
export interface ConnectionPool {
  acquire(): Slot | null;
  release(slot: Slot): void;
  /** connectionFor reserves the id of the connection a request dispatched now on `slot` will use. */
  connectionFor(slot: Slot): string;
  destroy(): Promise<void>;
  readonly size: number;
}

/** createConnectionPool makes a pool of single-connection undici Clients. */
export function createConnectionPool(options: ConnectionPoolOptions): ConnectionPool {
  const all: Slot[] = [];
  const idle: Slot[] = [];
  let idleHead = 0;
  const make = (): Slot => {
    const client = new Client(options.origin, {
      pipelining: 1,
      connectTimeout: options.timeoutMs,
      ...options.connect,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
    const slot: Slot = {
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
    all.push(slot);
    return slot;
  };
  if (!options.grow) for (let i = 0; i < options.size; i += 1) idle.push(make());
  return {
    acquire() {
      if (idleHead < idle.length) {
        const slot = idle[idleHead] as Slot;
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
      idle.push(slot);
    },
    connectionFor(slot) {
      if (slot.connected) return slot.connId;
      slot.pendingConnId ??= options.nextConnId();
      return slot.pendingConnId;
    },
    async destroy() {
      await Promise.all(all.map((s) => s.client.destroy().catch(() => undefined)));
    },
    get size() {
      return all.length;
    },
  };
}
