// What both HTTP/2 clients (the lean one and node:http2's) know of one
// connection, whatever carries its bytes: open or not, draining, gone, its
// streams, the server's stream limit, the pod it is pinned to, the lowest
// last-stream-id any GOAWAY named, and its record. Each client's connection
// extends it with its own wire.
import type { H2ConnectionRecord } from './h2-contract.js';
import { h2ErrorName } from './h2-fate.js';

/** ConnectionChange is what a connection tells its pool: it opened, learned the server's settings, got a GOAWAY, or went. */
export type ConnectionChange = 'opened' | 'settings' | 'goaway' | 'closed';

/** GOAWAY_DEBUG_BYTES: a GOAWAY's debug data is kept as text up to this many bytes. */
export const GOAWAY_DEBUG_BYTES = 256;

/**
 * H2ConnectionState is one HTTP/2 connection's state and record, shared by
 * both clients. A failed connect never becomes a record: `connected` stays
 * false and the pool reports nothing of it.
 */
export abstract class H2ConnectionState {
  readonly record: H2ConnectionRecord;
  connected = false;
  /** draining: a GOAWAY arrived or the client is closing it: no new stream goes on it. */
  draining = false;
  gone = false;
  /** open counts this client's streams dispatched on it and not yet ended; started, every stream it took. */
  open = 0;
  started = 0;
  /** maxStreams is the server's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited until it says). */
  maxStreams = Number.POSITIVE_INFINITY;
  /** pod is the --pod-header value last seen on it. */
  pod: string | undefined = undefined;
  goawayLast: number | undefined = undefined;
  goawayCode: number | undefined = undefined;
  /** errorCode is the code it failed with (ECONNRESET, ECONNREFUSED, ETIMEDOUT, …). */
  errorCode: string | undefined = undefined;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(readonly id: string) {
    this.record = { connId: id, openedAtMs: 0, goaways: [], streams: 0 };
  }

  /** usable says whether a new stream may go on it now. */
  abstract get usable(): boolean;

  /** close lets its open streams finish and opens no more. */
  abstract close(): void;

  /** destroy ends it now. */
  abstract destroy(): void;

  /** seePod keeps the --pod-header value of an answer on it; its first names the pod the connection is pinned to. */
  seePod(pod: string): void {
    this.pod = pod;
    this.record.pod ??= pod;
  }

  /** abandon ends a connection whose connect took longer than --timeout. */
  protected abstract abandon(): void;

  /** connectWithin gives the connect `timeoutMs`; past it the connection fails as ETIMEDOUT. */
  protected connectWithin(timeoutMs: number): void {
    this.connectTimer = setTimeout(() => this.connectTimedOut(), timeoutMs);
  }

  protected clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /** noteOpened: connected at `atMs` to `address`:`port`. */
  protected noteOpened(atMs: number, address: string | undefined, port: number | undefined): void {
    this.clearConnectTimer();
    this.connected = true;
    this.record.openedAtMs = atMs;
    if (address !== undefined) this.record.peer = `${address}:${port ?? 0}`;
  }

  /** noteGoaway keeps a GOAWAY (the lowest last-stream-id wins; `debugData` cut to GOAWAY_DEBUG_BYTES); no new stream goes on the connection after it. */
  protected noteGoaway(atMs: number, code: number, lastStreamId: number, debugData: string | undefined): void {
    this.draining = true;
    this.goawayLast = this.goawayLast === undefined ? lastStreamId : Math.min(this.goawayLast, lastStreamId);
    this.goawayCode = code;
    this.record.goaways.push({
      atMs,
      errorCode: h2ErrorName(code),
      lastStreamId,
      ...(debugData !== undefined && debugData.length > 0 ? { debugData } : {}),
      streamsOpen: this.open,
    });
  }

  /** noteGone marks it gone: no stream goes on it again. */
  protected noteGone(): void {
    this.clearConnectTimer();
    this.gone = true;
    this.draining = true;
  }

  /** noteClosed closes the record of a connection that connected: when, with which error, and its pod (else its peer). */
  protected noteClosed(atMs: number): void {
    this.record.closedAtMs = atMs;
    if (this.errorCode !== undefined) this.record.error ??= this.errorCode;
    this.record.pod ??= this.record.peer;
  }

  private connectTimedOut(): void {
    this.connectTimer = null;
    if (this.connected) return;
    this.errorCode ??= 'ETIMEDOUT';
    this.abandon();
  }
}
