import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import type { TargetTrust } from '../connect-options.js';
import { GOAWAY_DEBUG_BYTES, H2ConnectionState, type ConnectionChange } from './h2-connection-state.js';

/** H2ConnectionOptions say where one connection goes and whom it tells about its life. */
export interface H2ConnectionOptions {
  origin: string;
  trust: TargetTrust;
  timeoutMs: number;
  nowMs(): number;
  /** changed is told when the connection opens, learns the server's settings, gets a GOAWAY or goes. */
  changed(conn: H2Connection, change: ConnectionChange): void;
}

/** H2Connection is one ClientHttp2Session and what the client knows of it (h2-connection-state.ts). */
export class H2Connection extends H2ConnectionState {
  readonly session: ClientHttp2Session;

  constructor(
    id: string,
    private readonly o: H2ConnectionOptions,
  ) {
    super(id);
    this.session = connect(o.origin, sessionOptions(o.origin, o.trust));
    this.connectWithin(o.timeoutMs);
    this.session.on('connect', (_s, socket) => {
      this.noteOpened(o.nowMs(), socket.remoteAddress, socket.remotePort);
      o.changed(this, 'opened');
    });
    this.session.on('remoteSettings', (settings) => {
      this.maxStreams = settings.maxConcurrentStreams ?? Number.POSITIVE_INFINITY;
      o.changed(this, 'settings');
    });
    this.session.on('goaway', (code: number, lastStreamId: number, data?: Buffer) => {
      const debug = data !== undefined && data.length > 0 ? data.subarray(0, GOAWAY_DEBUG_BYTES).toString('utf8') : undefined;
      this.noteGoaway(o.nowMs(), code, lastStreamId, debug);
      o.changed(this, 'goaway');
    });
    this.session.on('error', (err: NodeJS.ErrnoException) => {
      this.errorCode ??= err.code ?? err.name;
    });
    this.session.on('close', () => this.closed());
  }

  get usable(): boolean {
    return !this.draining && !this.gone && !this.session.closed && !this.session.destroyed;
  }

  close(): void {
    this.draining = true;
    if (!this.session.closed) this.session.close();
  }

  destroy(): void {
    this.draining = true;
    this.clearConnectTimer();
    if (!this.session.destroyed) this.session.destroy();
  }

  protected abandon(): void {
    this.session.destroy();
  }

  private closed(): void {
    this.noteGone();
    if (this.connected) this.noteClosed(this.o.nowMs());
    this.o.changed(this, 'closed');
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
