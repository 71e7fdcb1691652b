// The lean client: HTTP/1.1 straight on net.Socket (tls.TLSSocket for https),
// one connection per slot, request bytes built once per pool, one timer wheel
// per pool, and a parser that reads only what the engine records. It reports
// the same error codes undici does in the same situations, so every outcome
// classifies alike (test/traffic/differential.test.ts holds it to that).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { UPSTREAM_HEADER } from './front-door.js';
import { HttpAnswer } from './http-answer.js';
import { ResponseParser, type ParserSink } from './lean-parser.js';
import type { ProtocolPool, ProtocolPoolOptions, RequestSpec, Slot } from './protocol.js';
import type { InFlightRequest, Settle } from './request.js';
import { createSlotPool, slotClosed, slotOpened } from './slot-pool.js';
import { TimerWheel, type Expiring } from './timer-wheel.js';

// undici's defaults, so both clients keep and drop idle connections alike.
const KEEPALIVE_DEFAULT_MS = 4_000;
const KEEPALIVE_MAX_MS = 600_000;
const KEEPALIVE_THRESHOLD_MS = 1_000;

/** LeanError is an error with undici's (or llhttp's, or Node's) code for the same situation. */
export class LeanError extends Error {
  readonly code: string | undefined;

  constructor(code: string, message: string) {
    // undici's parse errors carry no code, only their name (which the engine records instead).
    const parse = code.startsWith('HPE_');
    super(parse ? `Response does not match the HTTP/1.1 protocol (${code}: ${message})` : message);
    this.code = parse ? undefined : code;
    this.name = parse ? 'HTTPParserError' : 'LeanError';
  }
}

const enum Phase {
  None,
  Connect,
  Headers,
  Body,
  Idle,
}

/** Target is where and what a lean pool sends, shared by its connections. */
interface Target {
  /** host is where to connect: the URL's host, or --resolve's address. */
  host: string;
  port: number;
  https: boolean;
  servername: string | undefined;
  /** ca and insecure: --ca-cert and --insecure (undefined: Node's defaults). */
  ca: string | undefined;
  insecure: boolean;
  /** bytes, head and closes are per --mix entry: a request's mixIndex picks them. */
  bytes: Buffer[];
  head: boolean[];
  closes: boolean[];
  timeoutMs: number;
  podHeader: Buffer;
  wheel: TimerWheel;
  readBuffer: Buffer;
  nowMs(): number;
  nextConnId(): string;
  settle: Settle;
  onConnection: ProtocolPoolOptions['onConnection'];
}

/** LeanSlot is one connection of the lean client, carrying one request at a time. */
class LeanSlot implements Slot, ParserSink, Expiring {
  connId = '';
  pendingConnId: string | null = null;
  connected = false;
  requests = 0;
  pod: string | undefined = undefined;
  deadlineMs = 0;
  wheelTick = -1;
  wheelSeen = -1;
  private socket: net.Socket | null = null;
  private current: InFlightRequest | null = null;
  private phase = Phase.None;
  private readAtMs = 0;
  /** closeAfter: the current request's connection closes after its response. */
  private closeAfter = false;
  private readonly parser: ResponseParser;
  private readonly answer: HttpAnswer;

  constructor(private readonly t: Target) {
    this.parser = new ResponseParser(this, t.podHeader, UPSTREAM);
    this.answer = new HttpAnswer(t.settle);
  }

  dispatch(r: InFlightRequest): void {
    this.current = r;
    this.answer.begin();
    // r.startAtMs is the engine's clock reading of just now: no second reading.
    if (this.socket !== null && this.connected && this.phase === Phase.Idle)
      this.write(r, r.startAtMs);
    else if (this.socket === null) this.connect();
  }

  destroy(): void {
    this.t.wheel.disarm(this);
    this.drop();
    this.current = null;
  }

  private connect(): void {
    const t = this.t;
    this.phase = Phase.Connect;
    t.wheel.arm(this, t.nowMs() + t.timeoutMs);
    let socket: net.Socket;
    if (t.https) {
      socket = tls.connect({
        host: t.host,
        port: t.port,
        servername: t.servername,
        ALPNProtocols: ['http/1.1'],
        ...(t.ca !== undefined ? { ca: t.ca } : {}),
        ...(t.insecure ? { rejectUnauthorized: false } : {}),
      });
      socket.on('secureConnect', () => this.onConnected(socket));
      socket.on('data', (d: Buffer) => this.onRead(socket, d, d.length));
    } else {
      socket = net.connect({
        host: t.host,
        port: t.port,
        onread: {
          buffer: t.readBuffer,
          callback: (n: number, buf: Uint8Array) => {
            this.onRead(socket, buf as Buffer, n);
            return true;
          },
        },
      });
      socket.on('connect', () => this.onConnected(socket));
    }
    socket.setNoDelay(true);
    socket.on('error', (err: Error) => this.onSocketError(socket, err));
    socket.on('end', () => this.onEnd(socket));
    socket.on('close', () => this.onClose(socket));
    this.socket = socket;
  }

  private onConnected(socket: net.Socket): void {
    if (socket !== this.socket) return;
    socket.setKeepAlive(true, 60_000);
    slotOpened(this, this.t);
    this.phase = Phase.Idle;
    const nowMs = this.t.nowMs();
    if (this.current !== null) this.write(this.current, nowMs);
    else this.t.wheel.arm(this, nowMs + KEEPALIVE_DEFAULT_MS);
  }

  private write(r: InFlightRequest, nowMs: number): void {
    const t = this.t;
    r.wroteOn(this);
    this.phase = Phase.Headers;
    const m = r.mixIndex;
    this.closeAfter = t.closes[m] as boolean;
    this.parser.begin(t.head[m] as boolean);
    t.wheel.arm(this, nowMs + t.timeoutMs);
    (this.socket as net.Socket).write(t.bytes[m] as Buffer);
  }

  private onRead(socket: net.Socket, buf: Buffer, n: number): void {
    if (socket !== this.socket) return;
    // One clock reading per read: the deadlines armed while parsing it start from there.
    this.readAtMs = this.t.nowMs();
    const r = this.current;
    if (r !== null) {
      if (this.phase === Phase.Headers) this.answer.responseStarted = true;
      else if (this.phase === Phase.Body) this.t.wheel.arm(this, this.readAtMs + this.t.timeoutMs);
    }
    this.parser.execute(buf, 0, n);
  }

  headers(status: number, buf: Buffer, podStart: number, podEnd: number): void {
    if (podStart >= 0) {
      // The same pod answers a connection again and again: keep its string, don't decode anew.
      const last = this.pod;
      if (last === undefined || !sameLatin1(buf, podStart, podEnd, last))
        this.pod = buf.toString('latin1', podStart, podEnd);
    }
    this.phase = Phase.Body;
    this.t.wheel.arm(this, this.readAtMs + this.t.timeoutMs);
    const r = this.current;
    if (r === null) return;
    // The final status and the front-door facts of the answer: who answered, and the headers that say so.
    const a = this.answer;
    const p = this.parser;
    a.responseStarted = true;
    a.podNamed = podStart >= 0;
    r.status = status;
    r.pod = this.pod;
    r.upstream = p.upstream;
    r.server = p.server;
    r.via = p.via;
    if (status >= 400) a.sniffBody();
    p.sniffLeft = a.sniffWanted;
  }

  body(buf: Buffer, s: number, e: number): void {
    if (this.current !== null) this.answer.bodyBytes(buf, s, e);
  }

  complete(keepAlive: boolean, keepAliveMs: number): void {
    const r = this.current;
    this.current = null;
    let idleMs = KEEPALIVE_DEFAULT_MS;
    if (keepAliveMs >= 0) idleMs = Math.min(keepAliveMs - KEEPALIVE_THRESHOLD_MS, KEEPALIVE_MAX_MS);
    if (keepAlive && !this.closeAfter && idleMs > 0) {
      this.phase = Phase.Idle;
      this.t.wheel.arm(this, this.readAtMs + idleMs);
    } else {
      this.t.wheel.disarm(this);
      this.drop();
    }
    if (r !== null) this.answer.complete(r);
  }

  fail(code: string, message: string): void {
    this.t.wheel.disarm(this);
    this.drop();
    this.failCurrent(new LeanError(code, message));
  }

  expire(): void {
    const phase = this.phase;
    this.drop();
    if (phase === Phase.Connect)
      this.failCurrent(new LeanError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'));
    else if (phase === Phase.Headers)
      this.failCurrent(new LeanError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
    else if (phase === Phase.Body)
      this.failCurrent(new LeanError('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error'));
  }

  private onSocketError(socket: net.Socket, err: Error): void {
    if (socket !== this.socket) return;
    // A reset under a response that ends at close ends it, as a close would (undici does the same).
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && this.endsAtClose()) return;
    if (this.phase === Phase.Connect) this.pendingConnId = null;
    this.t.wheel.disarm(this);
    this.drop();
    this.failCurrent(err);
  }

  private onEnd(socket: net.Socket): void {
    if (socket !== this.socket) return;
    if (!this.endsAtClose())
      this.fail('UND_ERR_SOCKET', this.current === null ? 'closed' : 'other side closed');
  }

  // endsAtClose handles the peer's close under a response that said it would close: the
  // response is complete if it ran to the close, else it was cut short (llhttp's error).
  private endsAtClose(): boolean {
    const p = this.parser;
    if (this.current === null || !p.finalSeen || p.shouldKeepAlive) return false;
    p.eof();
    return true;
  }

  private onClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.t.wheel.disarm(this);
    const wasConnecting = this.phase === Phase.Connect;
    this.drop();
    if (wasConnecting) this.pendingConnId = null;
    this.failCurrent(new LeanError('UND_ERR_SOCKET', 'closed'));
  }

  // drop forgets the socket (destroying it): the next request opens a new connection.
  private drop(): void {
    const s = this.socket;
    this.socket = null;
    slotClosed(this, this.t);
    this.phase = Phase.None;
    if (s !== null) s.destroy();
  }

  private failCurrent(err: Error): void {
    const r = this.current;
    if (r === null) return;
    this.current = null;
    this.answer.fail(r, err);
  }
}

/** requestBytes builds the request as undici writes it (host, connection, content-length). */
export function requestBytes(url: URL, spec: RequestSpec): Buffer {
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\n`;
  const names = new Set(spec.headers.map(([k]) => k.toLowerCase()));
  if (!names.has('host')) head += `host: ${url.host}\r\n`;
  head += `connection: ${closesAfter(spec) ? 'close' : 'keep-alive'}\r\n`;
  for (const [k, v] of spec.headers) head += `${k}: ${v}\r\n`;
  const expectsPayload = ['POST', 'PUT', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH'].includes(
    spec.method,
  );
  if (spec.body !== null && spec.body.length > 0) head += `content-length: ${spec.body.length}\r\n`;
  else if (expectsPayload) head += 'content-length: 0\r\n';
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return spec.body === null ? h : Buffer.concat([h, spec.body]);
}

/** createLeanPool makes a pool of lean connections (the default client). */
export function createLeanPool(options: ProtocolPoolOptions): ProtocolPool {
  const url = new URL(options.origin);
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const trust = options.trust ?? { insecure: false };
  const specs = options.requests;
  // Fine enough for any timeout, coarse enough to cost nothing: 1/20 of it, 5 ms .. 100 ms.
  const tickMs = Math.min(100, Math.max(5, Math.floor(options.timeoutMs / 20)));
  const wheel = new TimerWheel(tickMs, options.nowMs);
  const target: Target = {
    host: trust.dialAddr ?? host,
    port: Number(url.port || (https ? 443 : 80)),
    https,
    // SNI (and the certificate's name check) is the URL's host name, also when --resolve dials elsewhere.
    servername: https && net.isIP(host) === 0 ? host : undefined,
    ca: trust.caPem,
    insecure: trust.insecure,
    bytes: specs.map((spec) => requestBytes(url, spec)),
    head: specs.map((spec) => spec.method === 'HEAD'),
    closes: specs.map(closesAfter),
    timeoutMs: options.timeoutMs,
    podHeader: Buffer.from(options.podHeader, 'latin1'),
    wheel,
    // Every socket of the pool reads into one buffer: each read is parsed before the next.
    readBuffer: Buffer.allocUnsafe(64 * 1024),
    nowMs: options.nowMs,
    nextConnId: options.nextConnId,
    settle: options.settle,
    onConnection: options.onConnection,
  };
  return createSlotPool<LeanSlot>(options, {
    make: () => new LeanSlot(target),
    dispatch: (slot, r) => slot.dispatch(r),
    destroy: async (slot) => slot.destroy(),
    closed: () => wheel.stop(),
  });
}

const UPSTREAM = Buffer.from(UPSTREAM_HEADER, 'latin1');

/** closesAfter: the connection closes after each response (undici closes after a HEAD, in case a body follows). */
function closesAfter(spec: RequestSpec): boolean {
  return spec.reset || spec.method === 'HEAD';
}

/** sameLatin1 says whether `buf[s, e)` read as latin1 is `text`. */
function sameLatin1(buf: Buffer, s: number, e: number, text: string): boolean {
  if (text.length !== e - s) return false;
  for (let i = s; i < e; i += 1) if (buf[i] !== text.charCodeAt(i - s)) return false;
  return true;
}
