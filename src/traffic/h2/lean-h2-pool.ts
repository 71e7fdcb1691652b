// The lean HTTP/2 client's pool: the seam's pool shape (a slot per stream a
// connection may carry, handed out first-in first-out so calls spread over
// every connection) over LeanH2Connection, with one timer wheel for every
// stream's --timeout and each --mix entry's request encoded once. It never
// retries: a stream a standard client would retry unseen is settled as what it met.
import * as net from 'node:net';
import { TimerWheel } from '../timer-wheel.js';
import { encodeHeaderBlock } from './hpack-encoder.js';
import { Flag, FRAME_HEADER_BYTES, FrameType, DEFAULT_MAX_FRAME_BYTES, writeFrameHeader } from './frame-codec.js';
import type { AnswerReader, H2Call, H2PoolOptions, H2RequestSpec, H2Settle, StreamSlot } from './h2-contract.js';
import { DEFAULT_STREAMS_PER_CONNECTION, type H2Pool } from './h2-pool.js';
import { createHttpReader } from './http-reader.js';
import { LeanH2Connection } from './lean-h2-connection.js';
import type { LeanH2Target, RequestTemplate } from './lean-h2-target.js';

/** Link is one of the pool's connections over time, and its stream slots' limit. */
interface Link {
  conn: LeanH2Connection | null;
  pendingId: string | null;
  limit: number;
  parked: LeanSlot[];
}

interface LeanSlot extends StreamSlot {
  readonly link: Link;
  readonly index: number;
}

/** createLeanH2Pool makes a population's lean HTTP/2 connections: `size` of them (keep-alive), or one per call up to `size` (grow). */
export function createLeanH2Pool<R extends H2Call>(o: H2PoolOptions<R>): H2Pool<R> {
  return new LeanH2Pool(o);
}

class LeanH2Pool<R extends H2Call> implements H2Pool<R> {
  readonly perConnection: number;
  private readonly wheel: TimerWheel;
  private readonly reader: (r: R) => AnswerReader;
  private readonly target: LeanH2Target;
  private readonly links: Link[] = [];
  private readonly linkOf = new WeakMap<LeanH2Connection, Link>();
  private idle: LeanSlot[] = [];
  private idleHead = 0;
  private readonly live = new Set<LeanH2Connection>();
  private onAllClosed: (() => void) | null = null;

  constructor(private readonly o: H2PoolOptions<R>) {
    this.perConnection = o.grow ? 1 : Math.max(1, o.streamsPerConnection ?? DEFAULT_STREAMS_PER_CONNECTION);
    this.wheel = new TimerWheel(Math.min(100, Math.max(5, Math.floor(o.timeoutMs / 20))), o.nowMs);
    this.reader = o.reader ?? ((r: R): AnswerReader => createHttpReader(r, o.podHeader));
    this.target = targetOf(o, {
      ended: (conn, st) => {
        this.wheel.disarm(st);
        // The fresh population: one call per connection, closed once its stream is.
        if (o.grow) conn.close();
      },
      changed: (conn, change) => this.changed(conn, change),
    });
    if (o.grow) return;
    const made = Array.from({ length: o.size }, () => this.makeLink());
    // Stream i of every connection before stream i + 1 of any.
    for (let i = 0; i < this.perConnection; i += 1) for (const link of made) this.idle.push({ link, index: i, connId: '', pendingConnId: null, connected: false, requests: 0, pod: undefined });
  }

  get size(): number {
    return this.links.length * this.perConnection;
  }

  acquire(): StreamSlot | null {
    while (this.idleHead < this.idle.length) {
      const slot = this.idle[this.idleHead] as LeanSlot;
      this.idleHead += 1;
      if (this.idleHead > 1024 && this.idleHead * 2 > this.idle.length) {
        this.idle = this.idle.slice(this.idleHead);
        this.idleHead = 0;
      }
      if (slot.index < slot.link.limit) return slot;
      slot.link.parked.push(slot);
    }
    if (this.o.grow && this.links.length < this.o.size) return { link: this.makeLink(), index: 0, connId: '', pendingConnId: null, connected: false, requests: 0, pod: undefined } as LeanSlot;
    return null;
  }

  release(slot: StreamSlot): void {
    const s = slot as LeanSlot;
    (s.index < s.link.limit ? this.idle : s.link.parked).push(s);
  }

  connectionFor(slot: StreamSlot): string {
    const link = (slot as LeanSlot).link;
    if (link.conn !== null && link.conn.usable) return link.conn.id;
    link.pendingId ??= this.o.nextConnId();
    return link.pendingId;
  }

  dispatch(slot: StreamSlot, r: R): void {
    const link = (slot as LeanSlot).link;
    const conn = link.conn !== null && link.conn.usable ? link.conn : this.open(link);
    slot.connId = r.connId = conn.id;
    slot.connected = conn.connected;
    slot.requests = conn.started;
    slot.pod = r.pod = conn.pod;
    r.reused = conn.started > 0;
    r.streamId = 0;
    const st = conn.request(r, r.mixIndex, this.reader(r));
    if (!st.done) this.wheel.arm(st, this.o.nowMs() + this.o.timeoutMs);
  }

  async destroy(): Promise<void> {
    this.wheel.stop();
    if (this.live.size === 0) return;
    const all = new Promise<void>((resolve) => (this.onAllClosed = resolve));
    for (const conn of [...this.live]) conn.destroy();
    await all;
  }

  private makeLink(): Link {
    const link: Link = { conn: null, pendingId: null, limit: this.perConnection, parked: [] };
    this.links.push(link);
    return link;
  }

  private open(link: Link): LeanH2Connection {
    const id = link.pendingId ?? this.o.nextConnId();
    link.pendingId = null;
    const conn = new LeanH2Connection(id, this.target);
    this.linkOf.set(conn, link);
    this.live.add(conn);
    link.conn = conn;
    link.limit = this.perConnection;
    return conn;
  }

  private changed(conn: LeanH2Connection, change: 'opened' | 'settings' | 'goaway' | 'closed'): void {
    if (change === 'settings') return this.limitTo(conn);
    if (change === 'closed') {
      this.live.delete(conn);
      if (this.live.size === 0 && this.onAllClosed !== null) this.onAllClosed();
      if (!conn.connected) return;
    }
    this.o.onConnection?.(conn.record, change);
  }

  // limitTo follows the server's MAX_CONCURRENT_STREAMS: slots above it park until a connection allows more.
  private limitTo(conn: LeanH2Connection): void {
    const link = this.linkOf.get(conn);
    if (link === undefined || link.conn !== conn) return;
    link.limit = Math.max(1, Math.min(this.perConnection, conn.maxStreams));
    const still: LeanSlot[] = [];
    for (const s of link.parked) (s.index < link.limit ? this.idle : still).push(s);
    link.parked = still;
  }
}

/** targetOf is what a pool's connections share: the dial, the trust, the request templates, the callbacks. */
function targetOf<R extends H2Call>(o: H2PoolOptions<R>, on: Pick<LeanH2Target, 'ended' | 'changed'>): LeanH2Target {
  const url = new URL(o.origin);
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const trust = o.trust ?? { insecure: false };
  const dial = trust.dialAddr ?? host;
  const port = Number(url.port || (https ? 443 : 80));
  return {
    host: dial,
    port,
    // SNI and the certificate's name check use the URL's host, also when --resolve dials elsewhere.
    tls: https ? { host: dial, port, ALPNProtocols: ['h2'], servername: net.isIP(host) === 0 ? host : undefined, ca: trust.caPem, rejectUnauthorized: !trust.insecure } : null,
    timeoutMs: o.timeoutMs,
    readBuffer: Buffer.allocUnsafe(64 * 1024),
    requests: o.requests.map((spec) => requestTemplate(url, spec)),
    podHeader: o.podHeader,
    nowMs: o.nowMs,
    settle: o.settle as H2Settle<H2Call>,
    ...on,
  };
}

// Headers HTTP/2 forbids (RFC 9113 §8.2.2); a Host header becomes :authority.
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** requestTemplate encodes one request spec for `url`'s origin: its HEADERS frame (stream id 0, patched per call) and body. */
export function requestTemplate(url: URL, spec: H2RequestSpec): RequestTemplate {
  const host = spec.headers.find(([k]) => k.toLowerCase() === 'host')?.[1];
  const fields: Array<[string, string]> = [
    [':method', spec.method],
    [':scheme', url.protocol === 'https:' ? 'https' : 'http'],
    [':authority', host ?? url.host],
    [':path', spec.path],
  ];
  for (const [k, v] of spec.headers) if (!CONNECTION_SPECIFIC.has(k.toLowerCase())) fields.push([k.toLowerCase(), v]);
  const block = encodeHeaderBlock(fields);
  if (block.length > DEFAULT_MAX_FRAME_BYTES) throw new Error(`a request's headers take ${block.length} octets, more than one HTTP/2 frame`);
  const headers = Buffer.allocUnsafe(FRAME_HEADER_BYTES + block.length);
  writeFrameHeader(headers, 0, block.length, FrameType.Headers, Flag.EndHeaders | (spec.body === null ? Flag.EndStream : 0), 0);
  block.copy(headers, FRAME_HEADER_BYTES);
  return { headers, body: spec.body };
}
