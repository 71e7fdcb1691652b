import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import type { TargetTrust } from '../connect-options.js';
import { h2ErrorName } from './h2-fate.js';
import type { H2ConnectionRecord } from './h2-contract.js';

// A GOAWAY's debug data is kept as text up to this many bytes.
const DEBUG_BYTES = 256;

/** H2ConnectionOptions say where one connection goes and whom it tells about its life. */
export interface H2ConnectionOptions {
  origin: string;
  trust: TargetTrust;
  timeoutMs: number;
  nowMs(): number;
  /** changed is told when the connection opens, learns the server's settings, gets a GOAWAY or goes. */
  changed(conn: H2Connection, change: 'opened' | 'settings' | 'goaway' | 'closed'): void;
}

/**
 * H2Connection is one ClientHttp2Session and what the client knows of it: open
 * or not, draining after a GOAWAY (no new streams), gone, the server's stream
 * limit, the lowest last-stream-id any GOAWAY named, and its record (times,
 * peer, pod, every GOAWAY). A failed connect never becomes a record.
 */
export class H2Connection {
  readonly session: ClientHttp2Session;
  readonly record: H2ConnectionRecord;
  connected = false;
  /** draining: a GOAWAY arrived or the client is closing it: no new stream goes on it. */
  draining = false;
  gone = false;
  /** open counts this client's streams open on it; started, the streams it ever carried. */
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
  private connectTimer: NodeJS.Timeout | null;

  constructor(
    readonly id: string,
    private readonly o: H2ConnectionOptions,
  ) {
    this.record = { connId: id, openedAtMs: 0, goaways: [], streams: 0 };
    this.session = connect(o.origin, sessionOptions(o.origin, o.trust));
    this.connectTimer = setTimeout(() => this.connectTimedOut(), o.timeoutMs);
    this.session.on('connect', (_s, socket) => {
      this.clearConnectTimer();
      this.connected = true;
      this.record.openedAtMs = o.nowMs();
      if (socket.remoteAddress !== undefined) this.record.peer = `${socket.remoteAddress}:${socket.remotePort ?? 0}`;
      o.changed(this, 'opened');
    });
    this.session.on('remoteSettings', (settings) => {
      this.maxStreams = settings.maxConcurrentStreams ?? Number.POSITIVE_INFINITY;
      o.changed(this, 'settings');
    });
    this.session.on('goaway', (code: number, lastStreamId: number, data?: Buffer) => this.goaway(code, lastStreamId, data));
    this.session.on('error', (err: NodeJS.ErrnoException) => {
      this.errorCode ??= err.code ?? err.name;
    });
    this.session.on('close', () => this.closed());
  }

  /** usable says whether a new stream may go on it now. */
  get usable(): boolean {
    return !this.draining && !this.gone && !this.session.closed && !this.session.destroyed;
  }

  /** seePod keeps the --pod-header value of an answer on it; its first names the pod the connection is pinned to. */
  seePod(pod: string): void {
    this.pod = pod;
    this.record.pod ??= pod;
  }

  /** close lets its open streams finish and opens no more; destroy ends it now. */
  close(): void {
    this.draining = true;
    if (!this.session.closed) this.session.close();
  }

  destroy(): void {
    this.draining = true;
    this.clearConnectTimer();
    if (!this.session.destroyed) this.session.destroy();
  }

  private goaway(code: number, lastStreamId: number, data: Buffer | undefined): void {
    this.draining = true;
    this.goawayLast = this.goawayLast === undefined ? lastStreamId : Math.min(this.goawayLast, lastStreamId);
    this.goawayCode = code;
    this.record.goaways.push({
      atMs: this.o.nowMs(),
      errorCode: h2ErrorName(code),
      lastStreamId,
      ...(data !== undefined && data.length > 0 ? { debugData: data.subarray(0, DEBUG_BYTES).toString('utf8') } : {}),
      streamsOpen: this.open,
    });
    this.o.changed(this, 'goaway');
  }

  private closed(): void {
    this.clearConnectTimer();
    this.gone = true;
    this.draining = true;
    if (!this.connected) return this.o.changed(this, 'closed');
    this.record.closedAtMs = this.o.nowMs();
    if (this.errorCode !== undefined) this.record.error = this.errorCode;
    this.record.pod ??= this.record.peer;
    this.o.changed(this, 'closed');
  }

  private connectTimedOut(): void {
    this.connectTimer = null;
    if (this.connected) return;
    this.errorCode ??= 'ETIMEDOUT';
    this.session.destroy();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

/** sessionOptions dials the origin (or --resolve's address) over TCP (h2c, prior knowledge) or TLS with ALPN h2. */
export function sessionOptions(origin: string, trust: TargetTrust): SecureClientSessionOptions {
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (tls ? 443 : 80));
  const secure = {
    ALPNProtocols: ['h2'],
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(trust.caPem !== undefined ? { ca: trust.caPem } : {}),
    ...(trust.insecure ? { rejectUnauthorized: false } : {}),
  };
  // Until the server's SETTINGS say how many streams it takes, open one: nghttp2 holds the rest
  // instead of sending streams a server with a low limit would refuse.
  const base = { peerMaxConcurrentStreams: 1 };
  const dial = trust.dialAddr;
  if (dial === undefined) return tls ? { ...base, ...secure } : base;
  return {
    ...base,
    ...secure,
    createConnection: () => (tls ? connectTls({ ...secure, host: dial, port }) : connectTcp(port, dial)),
  };
}
