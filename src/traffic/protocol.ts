// The protocol seam: what a protocol client must do for the engine. The
// scheduler, dispatch, accounting, workers and runners know only these types;
// each implementation (HTTP/1.1 lean or undici today) lives behind the
// registry in `protocols.ts`.
import type { TargetTrust } from './connect-options.js';
import type { ProbeOptions, ProbeResult } from './probe.js';
import type { InFlightRequest, Settle } from './request.js';
import type { TrafficSettings } from './settings.js';

/** DEFAULT_PROTOCOL is HTTP/1.1: the protocol of traffic that names none (no --protocol, an older runner's spec). */
export const DEFAULT_PROTOCOL = 'http1';

/**
 * Slot is one unit of a connection's capacity: one request at a time on it.
 * An HTTP/1.1 connection is one slot (pipelining 1); a connection carrying N
 * requests at once (HTTP/2 streams) is N slots sharing the connection's id.
 * The engine learns from it which connection carried each request, whether it
 * was reused, and which pod last answered on it.
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

/**
 * ConnectionEvent is a connection's lifecycle as its client saw it; an HTTP/2
 * connection adds each GOAWAY it got (with the pod it is pinned to, when an
 * answer named one by then), and when it closes, the pod it was pinned to (its
 * first answer's --pod-header, else the peer address).
 */
export type ConnectionEvent =
  | { kind: 'opened'; connId: string; atMs: number; peer?: string }
  | { kind: 'closed'; connId: string; atMs: number; pod?: string; streams?: number; error?: string }
  | { kind: 'goaway'; connId: string; atMs: number; errorCode: string; lastStreamId: number; debugData?: string; streamsOpen: number; pod?: string };

/** ProtocolPoolOptions configure one population's connections of one protocol client. */
export interface ProtocolPoolOptions {
  origin: string;
  timeoutMs: number;
  /** size is the fixed size (keep-alive pool) or the cap of a growing pool (fresh pool), in slots. */
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
  /**
   * settle is told once per dispatched request when it ends, with its outcome
   * kind (and error code and message for a failure); before that the client
   * has set on the request its connection id, reused, status and pod.
   */
  settle: Settle;
  /** onConnection, when given, is told each connection's lifecycle (no cost when absent). */
  onConnection?: (event: ConnectionEvent) => void;
}

/** ProtocolPool is one population's connections: idle slots handed out first-in first-out, so traffic spreads over every connection. */
export interface ProtocolPool {
  /** perConnection is how many requests one connection carries at once (1 for HTTP/1.1). */
  readonly perConnection: number;
  acquire(): Slot | null;
  release(slot: Slot): void;
  /** connectionFor reserves the id of the connection a request dispatched now on `slot` will use. */
  connectionFor(slot: Slot): string;
  /** dispatch sends the pool's request for `r` on `slot` (acquired, with its id reserved); the outcome comes through `settle`. */
  dispatch(slot: Slot, r: InFlightRequest): void;
  destroy(): Promise<void>;
  /** size is how many slots the pool has made. */
  readonly size: number;
}

/** ProtocolClient is one implementation of a protocol, as the registry holds it. */
export interface ProtocolClient {
  /** protocol names what goes on the wire (`http1`). */
  protocol: string;
  /** client names the implementation (`lean`, the default, or `undici`, the reference). */
  client: string;
  createPool(options: ProtocolPoolOptions): ProtocolPool;
  /** probe, an optional ability, is the pre-flight: one request before any traffic says whether anything answers and how fast. */
  probe?(url: string, settings: TrafficSettings, options?: ProbeOptions): Promise<ProbeResult>;
}
