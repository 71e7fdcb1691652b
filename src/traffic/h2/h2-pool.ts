// The HTTP/2 reference client's pool: connections on node:http2, each
// carrying up to the server's MAX_CONCURRENT_STREAMS calls at once, in the
// seam's pool shape (h2-links.ts: a slot per stream a connection may carry).
// It never retries: a stream a standard client would retry unseen is settled
// as what it met.
import type { OutgoingHttpHeaders } from 'node:http2';
import { H2Connection } from './h2-connection.js';
import type { H2Call, H2PoolOptions, H2RequestSpec, StreamSlot } from './h2-contract.js';
import { H2Exchange } from './h2-exchange.js';
import { H2Links, type H2Pool } from './h2-links.js';

/** createH2Pool makes a population's connections: `size` of them (keep-alive), or one per call up to `size` (grow). */
export function createH2Pool<R extends H2Call>(o: H2PoolOptions<R>): H2Pool<R> {
  return new StreamPool(o);
}

class StreamPool<R extends H2Call> extends H2Links<H2Connection, R> implements H2Pool<R> {
  private readonly headers: OutgoingHttpHeaders[];

  constructor(o: H2PoolOptions<R>) {
    super(o);
    this.headers = o.requests.map(headersOf);
  }

  dispatch(slot: StreamSlot, r: R): void {
    const o = this.o;
    const conn = this.bind(slot, r);
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
      this.deadlines.settle(x);
      // The fresh population: one call per connection, closed once its stream is.
      if (o.grow) conn.close();
    });
    this.deadlines.push(x, o.nowMs() + o.timeoutMs);
  }

  protected dial(id: string): H2Connection {
    const o = this.o;
    return new H2Connection(id, {
      origin: o.origin,
      trust: o.trust ?? { insecure: false },
      timeoutMs: o.timeoutMs,
      nowMs: o.nowMs,
      changed: (c, change) => this.changed(c, change),
    });
  }
}

/** headersOf is a request spec's HTTP/2 request headers (node adds :scheme and :authority from the origin). */
function headersOf(spec: H2RequestSpec): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { ':method': spec.method, ':path': spec.path };
  for (const [k, v] of spec.headers) h[k.toLowerCase()] = v;
  return h;
}
