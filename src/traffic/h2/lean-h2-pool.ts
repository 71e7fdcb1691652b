// The lean HTTP/2 client's pool: the seam's pool shape (h2-links.ts: a slot
// per stream a connection may carry, one deadline queue for every stream's
// --timeout) over LeanH2Connection, each --mix entry's request encoded once.
// It never retries: a stream a standard client would retry unseen is settled
// as what it met.
import * as net from 'node:net';
import { encodeHeaderBlock } from './hpack-encoder.js';
import { Flag, FRAME_HEADER_BYTES, FrameType, DEFAULT_MAX_FRAME_BYTES, writeFrameHeader } from './frame-codec.js';
import type { H2Call, H2PoolOptions, H2RequestSpec, H2Settle, StreamSlot } from './h2-contract.js';
import { H2Links, type H2Pool } from './h2-links.js';
import { LeanH2Connection } from './lean-h2-connection.js';
import type { LeanH2Target, RequestTemplate } from './lean-h2-target.js';

/** createLeanH2Pool makes a population's lean HTTP/2 connections: `size` of them (keep-alive), or one per call up to `size` (grow). */
export function createLeanH2Pool<R extends H2Call>(o: H2PoolOptions<R>): H2Pool<R> {
  return new LeanH2Pool(o);
}

class LeanH2Pool<R extends H2Call> extends H2Links<LeanH2Connection, R> implements H2Pool<R> {
  private readonly target: LeanH2Target;

  constructor(o: H2PoolOptions<R>) {
    super(o);
    this.target = targetOf(o, {
      ended: (conn, st) => {
        this.deadlines.settle(st);
        // The fresh population: one call per connection, closed once its stream is.
        if (o.grow) conn.close();
      },
      changed: (conn, change) => this.changed(conn, change),
    });
  }

  dispatch(slot: StreamSlot, r: R): void {
    const conn = this.bind(slot, r);
    const st = conn.request(r, r.mixIndex, this.reader(r));
    if (!st.done) this.deadlines.push(st, this.o.nowMs() + this.o.timeoutMs);
  }

  protected dial(id: string): LeanH2Connection {
    return new LeanH2Connection(id, this.target);
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
