// The HTTP/2 client: connections on node:http2, each carrying up to the
// server's MAX_CONCURRENT_STREAMS calls at once. It speaks the engine's pool
// shape (acquire a slot, dispatch a call on it, release it), one slot per
// stream a connection may carry. It never retries: a stream a standard client
// would retry unseen is settled as what it met.
import type { OutgoingHttpHeaders } from 'node:http2';
import type { ProtocolPool } from '../protocol.js';
import { TimerWheel } from '../timer-wheel.js';
import { H2Connection } from './h2-connection.js';
import type { AnswerReader, H2Call, H2PoolOptions, H2RequestSpec, StreamSlot } from './h2-contract.js';
import { H2Exchange } from './h2-exchange.js';
import { createHttpReader } from './http-reader.js';

/** DEFAULT_STREAMS_PER_CONNECTION caps the streams one connection carries at once when nothing else does. */
export const DEFAULT_STREAMS_PER_CONNECTION = 100;

/** H2Pool is one population's HTTP/2 connections, handed out a stream slot at a time: the seam's pool, for any call type. */
export type H2Pool<R extends H2Call> = Omit<ProtocolPool, 'dispatch'> & {
  /** dispatch sends the call's request (its mixIndex picks one) on a stream of `slot`'s connection. */
  dispatch(slot: StreamSlot, r: R): void;
};

/** Link is one of the pool's connections over time: a connection at a time, and its stream slots. */
interface Link {
  conn: H2Connection | null;
  pendingId: string | null;
  /** limit is how many of its slots may carry a stream at once (the cap, or the server's lower limit). */
  limit: number;
  parked: H2Slot[];
}

interface H2Slot extends StreamSlot {
  readonly link: Link;
  readonly index: number;
}

/** createH2Pool makes a population's connections: `size` of them (keep-alive), or one per call up to `size` (grow). */
export function createH2Pool<R extends H2Call>(o: H2PoolOptions<R>): H2Pool<R> {
  return new StreamPool(o);
}

class StreamPool<R extends H2Call> implements H2Pool<R> {
  readonly perConnection: number;
  private readonly wheel: TimerWheel;
  private readonly reader: (r: R) => AnswerReader;
  private readonly headers: OutgoingHttpHeaders[];
  private readonly links: Link[] = [];
  private readonly linkOf = new WeakMap<H2Connection, Link>();
  private idle: H2Slot[] = [];
  private idleHead = 0;
  private readonly live = new Set<H2Connection>();
  private onAllClosed: (() => void) | null = null;

  constructor(private readonly o: H2PoolOptions<R>) {
    this.perConnection = o.grow ? 1 : Math.max(1, o.streamsPerConnection ?? DEFAULT_STREAMS_PER_CONNECTION);
    this.wheel = new TimerWheel(Math.min(100, Math.max(5, Math.floor(o.timeoutMs / 20))), o.nowMs);
    this.reader = o.reader ?? ((r: R): AnswerReader => createHttpReader(r, o.podHeader));
    this.headers = o.requests.map(headersOf);
    if (o.grow) return;
    const made = Array.from({ length: o.size }, () => this.makeLink());
    // Stream i of every connection before stream i + 1 of any: calls spread over all connections.
    for (let i = 0; i < this.perConnection; i += 1) for (const link of made) this.idle.push(slotOf(link, i));
  }

  get size(): number {
    return this.links.length * this.perConnection;
  }

  acquire(): StreamSlot | null {
    while (this.idleHead < this.idle.length) {
      const slot = this.idle[this.idleHead] as H2Slot;
      this.idleHead += 1;
      if (this.idleHead > 1024 && this.idleHead * 2 > this.idle.length) {
        this.idle = this.idle.slice(this.idleHead);
        this.idleHead = 0;
      }
      if (slot.index < slot.link.limit) return slot;
      slot.link.parked.push(slot);
    }
    if (this.o.grow && this.links.length < this.o.size) return slotOf(this.makeLink(), 0);
    return null;
  }

  release(slot: StreamSlot): void {
    const s = slot as H2Slot;
    if (s.index < s.link.limit) this.idle.push(s);
    else s.link.parked.push(s);
  }

  connectionFor(slot: StreamSlot): string {
    const link = (slot as H2Slot).link;
    if (link.conn !== null && link.conn.usable) return link.conn.id;
    link.pendingId ??= this.o.nextConnId();
    return link.pendingId;
  }

  dispatch(slot: StreamSlot, r: R): void {
    const o = this.o;
    const link = (slot as H2Slot).link;
    const conn = link.conn !== null && link.conn.usable ? link.conn : this.open(link);
    slot.connId = r.connId = conn.id;
    slot.connected = conn.connected;
    slot.requests = conn.started;
    slot.pod = r.pod = conn.pod;
    r.reused = conn.started > 0;
    r.streamId = 0;
    conn.started += 1;
    conn.record.streams += 1;
    const spec = o.requests[r.mixIndex] as H2RequestSpec;
    let stream;
    try {
      stream = conn.session.request({ ...(this.headers[r.mixIndex] as OutgoingHttpHeaders) }, { endStream: spec.body === null });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      o.settle(r, 'other', e.code ?? e.name, e.message);
      return;
    }
    conn.open += 1;
    if (spec.body !== null) stream.end(spec.body);
    const x: H2Exchange<R> = new H2Exchange(r, conn, stream, this.reader(r), o.podHeader, o.settle, () => {
      this.wheel.disarm(x);
      // The fresh population: one call per connection, closed once its stream is.
      if (o.grow) conn.close();
    });
    this.wheel.arm(x, o.nowMs() + o.timeoutMs);
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

  private open(link: Link): H2Connection {
    const o = this.o;
    const id = link.pendingId ?? o.nextConnId();
    link.pendingId = null;
    const conn = new H2Connection(id, {
      origin: o.origin,
      trust: o.trust ?? { insecure: false },
      timeoutMs: o.timeoutMs,
      nowMs: o.nowMs,
      changed: (c, change) => this.changed(c, change),
    });
    this.linkOf.set(conn, link);
    this.live.add(conn);
    link.conn = conn;
    link.limit = this.perConnection;
    return conn;
  }

  private changed(conn: H2Connection, change: 'opened' | 'settings' | 'goaway' | 'closed'): void {
    if (change === 'settings') return this.limitTo(conn);
    if (change === 'closed') {
      this.live.delete(conn);
      if (this.live.size === 0 && this.onAllClosed !== null) this.onAllClosed();
      if (!conn.connected) return;
    }
    this.o.onConnection?.(conn.record, change);
  }

  // limitTo follows the server's MAX_CONCURRENT_STREAMS: slots above it park until a connection allows more.
  private limitTo(conn: H2Connection): void {
    const link = this.linkOf.get(conn);
    if (link === undefined || link.conn !== conn) return;
    link.limit = Math.max(1, Math.min(this.perConnection, conn.maxStreams));
    const still: H2Slot[] = [];
    for (const s of link.parked) (s.index < link.limit ? this.idle : still).push(s);
    link.parked = still;
  }
}

function slotOf(link: Link, index: number): H2Slot {
  return { link, index, connId: '', pendingConnId: null, connected: false, requests: 0, pod: undefined };
}

/** headersOf is a request spec's HTTP/2 request headers (node adds :scheme and :authority from the origin). */
function headersOf(spec: H2RequestSpec): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { ':method': spec.method, ':path': spec.path };
  for (const [k, v] of spec.headers) h[k.toLowerCase()] = v;
  return h;
}
