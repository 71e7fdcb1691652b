// What both HTTP/2 pools (the lean client's and node:http2's) do alike: the
// seam's pool shape over connections that carry many streams. A link is one
// of the pool's connections over time (a connection at a time); each link
// has a slot per stream it may carry, handed out first-in first-out so that
// calls spread over every connection. Slots above the server's
// MAX_CONCURRENT_STREAMS park until a connection allows more. Each pool adds
// how it dials a connection and how it sends a call on it.
import type { ProtocolPool } from '../protocol.js';
import { DeadlineQueue } from '../deadline-queue.js';
import type { ConnectionChange, H2ConnectionState } from './h2-connection-state.js';
import type { AnswerReader, H2Call, H2PoolOptions, StreamSlot } from './h2-contract.js';
import { createHttpReader } from './http-reader.js';

/** DEFAULT_STREAMS_PER_CONNECTION caps the streams one connection carries at once when nothing else does. */
export const DEFAULT_STREAMS_PER_CONNECTION = 100;

/** H2Pool is one population's HTTP/2 connections, handed out a stream slot at a time: the seam's pool, for any call type. */
export type H2Pool<R extends H2Call> = Omit<ProtocolPool, 'dispatch'> & {
  /** dispatch sends the call's request (its mixIndex picks one) on a stream of `slot`'s connection. */
  dispatch(slot: StreamSlot, r: R): void;
};

/** Link is one of the pool's connections over time, and its stream slots. */
interface Link<C> {
  conn: C | null;
  pendingId: string | null;
  /** limit is how many of its slots may carry a stream at once (the cap, or the server's lower limit). */
  limit: number;
  parked: LinkSlot<C>[];
}

interface LinkSlot<C> extends StreamSlot {
  readonly link: Link<C>;
  readonly index: number;
}

/**
 * H2Links is the part of an HTTP/2 pool both clients share: links and their
 * slots (acquire, release, park, the server's limit), the connection a
 * dispatch goes on, the connections still alive, one deadline queue for every
 * stream's --timeout, and each call's answer reader.
 */
export abstract class H2Links<C extends H2ConnectionState, R extends H2Call> implements Omit<H2Pool<R>, 'dispatch'> {
  readonly perConnection: number;
  protected readonly deadlines: DeadlineQueue;
  protected readonly reader: (r: R) => AnswerReader;
  private readonly links: Link<C>[] = [];
  private readonly linkOf = new WeakMap<C, Link<C>>();
  private idle: LinkSlot<C>[] = [];
  private idleHead = 0;
  private readonly live = new Set<C>();
  private onAllClosed: (() => void) | null = null;

  constructor(protected readonly o: H2PoolOptions<R>) {
    this.perConnection = o.grow ? 1 : Math.max(1, o.streamsPerConnection ?? DEFAULT_STREAMS_PER_CONNECTION);
    this.deadlines = new DeadlineQueue(Math.min(100, Math.max(5, Math.floor(o.timeoutMs / 20))), o.nowMs);
    this.reader = o.reader ?? ((r: R): AnswerReader => createHttpReader(r, o.podHeader));
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
      const slot = this.idle[this.idleHead] as LinkSlot<C>;
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
    const s = slot as LinkSlot<C>;
    (s.index < s.link.limit ? this.idle : s.link.parked).push(s);
  }

  connectionFor(slot: StreamSlot): string {
    const link = (slot as LinkSlot<C>).link;
    if (link.conn !== null && link.conn.usable) return link.conn.id;
    link.pendingId ??= this.o.nextConnId();
    return link.pendingId;
  }

  async destroy(): Promise<void> {
    this.deadlines.stop();
    if (this.live.size === 0) return;
    const all = new Promise<void>((resolve) => (this.onAllClosed = resolve));
    for (const conn of [...this.live]) conn.destroy();
    await all;
  }

  /** dial opens a new connection with id `id` for a link. */
  protected abstract dial(id: string): C;

  /**
   * bind is the connection call `r` goes on (the slot's, or a new one when it
   * has none usable), with what the slot and the call learn of it; the stream
   * itself is the pool's to open.
   */
  protected bind(slot: StreamSlot, r: R): C {
    const link = (slot as LinkSlot<C>).link;
    const conn = link.conn !== null && link.conn.usable ? link.conn : this.open(link);
    slot.connId = r.connId = conn.id;
    slot.connected = conn.connected;
    slot.requests = conn.started;
    slot.pod = r.pod = conn.pod;
    r.reused = conn.started > 0;
    r.streamId = 0;
    return conn;
  }

  /** changed is told by each connection when it opens, learns the server's settings, gets a GOAWAY or goes. */
  protected changed(conn: C, change: ConnectionChange): void {
    if (change === 'settings') return this.limitTo(conn);
    if (change === 'closed') {
      this.live.delete(conn);
      if (this.live.size === 0 && this.onAllClosed !== null) this.onAllClosed();
      if (!conn.connected) return;
    }
    this.o.onConnection?.(conn.record, change);
  }

  private makeLink(): Link<C> {
    const link: Link<C> = { conn: null, pendingId: null, limit: this.perConnection, parked: [] };
    this.links.push(link);
    return link;
  }

  private open(link: Link<C>): C {
    const id = link.pendingId ?? this.o.nextConnId();
    link.pendingId = null;
    const conn = this.dial(id);
    this.linkOf.set(conn, link);
    this.live.add(conn);
    link.conn = conn;
    link.limit = this.perConnection;
    return conn;
  }

  // limitTo follows the server's MAX_CONCURRENT_STREAMS: slots above it park until a connection allows more.
  private limitTo(conn: C): void {
    const link = this.linkOf.get(conn);
    if (link === undefined || link.conn !== conn) return;
    link.limit = Math.max(1, Math.min(this.perConnection, conn.maxStreams));
    const still: LinkSlot<C>[] = [];
    for (const s of link.parked) (s.index < link.limit ? this.idle : still).push(s);
    link.parked = still;
  }
}

function slotOf<C>(link: Link<C>, index: number): LinkSlot<C> {
  return { link, index, connId: '', pendingConnId: null, connected: false, requests: 0, pod: undefined };
}
