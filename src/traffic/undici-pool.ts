// The reference client: one single-connection undici Client per slot
// (pipelining 1). The slot is also the undici dispatch handler of the one
// request it carries (the callback form, which costs the least per request),
// so nothing is allocated per request beyond what undici allocates itself.
import { Client, type Dispatcher } from 'undici';
import { undiciConnectOptions } from './connect-options.js';
import { UPSTREAM_HEADER } from './front-door.js';
import { HttpAnswer } from './http-answer.js';
import type { ProtocolPool, ProtocolPoolOptions, Slot } from './protocol.js';
import type { InFlightRequest } from './request.js';
import { createSlotPool, slotClosed, slotOpened } from './slot-pool.js';

const SERVER = Buffer.from('server');
const VIA = Buffer.from('via');
const UPSTREAM = Buffer.from(UPSTREAM_HEADER, 'latin1');

/** UndiciRequest is what undici is asked to send for one --mix entry (read, never kept, by undici). */
type UndiciRequest = Dispatcher.DispatchOptions;

/** UndiciSlot is one undici Client and the dispatch handler of the request it carries; it never retries. */
class UndiciSlot implements Slot, Dispatcher.DispatchHandler {
  connId = '';
  pendingConnId: string | null = null;
  connected = false;
  requests = 0;
  pod: string | undefined = undefined;
  readonly client: Client;
  private current: InFlightRequest | null = null;
  private readonly answer: HttpAnswer;

  constructor(
    private readonly options: ProtocolPoolOptions,
    private readonly podHeader: Buffer,
  ) {
    this.answer = new HttpAnswer(options.settle);
    this.client = new Client(options.origin, {
      pipelining: 1,
      connectTimeout: options.timeoutMs,
      ...undiciConnectOptions(options.trust ?? { insecure: false }, options.timeoutMs, options.origin),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
    this.client.on('connect', () => slotOpened(this, options));
    this.client.on('disconnect', () => slotClosed(this, options));
    this.client.on('connectionError', () => void (this.pendingConnId = null));
  }

  send(r: InFlightRequest, opts: UndiciRequest): void {
    this.current = r;
    this.answer.begin();
    this.client.dispatch(opts, this);
  }

  onConnect(): void {
    // Called when the request is written to a socket: that socket is the slot's current connection.
    this.current?.wroteOn(this);
  }

  onResponseStarted(): void {
    this.answer.responseStarted = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.answer.responseStarted = true;
    const r = this.current;
    if (statusCode < 200 || r === null) return true;
    r.status = statusCode;
    const want = this.podHeader;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (sameNameIgnoringCase(rawHeaders[i] as Buffer, want)) {
        const value = owsView(rawHeaders[i + 1] as Buffer);
        this.answer.podNamed = true;
        // The same pod answers a connection again and again: keep its string, don't decode anew.
        const last = this.pod;
        this.pod = r.pod = last !== undefined && sameLatin1(value, last) ? last : value.toString('latin1');
        break;
      }
    }
    this.readAnswerHeaders(r, statusCode, rawHeaders);
    return true;
  }

  // The upstream header on every answer (a retried success lists several addresses); server and via on failures.
  private readAnswerHeaders(r: InFlightRequest, statusCode: number, rawHeaders: Buffer[]): void {
    const failed = statusCode >= 400;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as Buffer;
      if (sameNameIgnoringCase(name, UPSTREAM)) {
        const value = rawHeaders[i + 1] as Buffer;
        // A success matters only when the proxy retried (a list); don't make a string per request otherwise.
        if (failed || value.includes(0x2c)) r.upstream = owsTrimmed(value);
      } else if (failed && sameNameIgnoringCase(name, SERVER)) r.server = owsTrimmed(rawHeaders[i + 1] as Buffer);
      else if (failed && sameNameIgnoringCase(name, VIA)) r.via = owsTrimmed(rawHeaders[i + 1] as Buffer);
    }
    if (failed) this.answer.sniffBody();
  }

  onData(chunk: Buffer): boolean {
    this.answer.bodyChunk(chunk);
    return true;
  }

  onComplete(): void {
    const r = this.current;
    if (r === null) return;
    this.current = null;
    this.answer.complete(r);
  }

  onError(err: Error): void {
    const r = this.current;
    if (r === null) return;
    this.current = null;
    this.answer.fail(r, err);
  }
}

/** createUndiciPool makes a pool of single-connection undici Clients (the reference client). */
export function createUndiciPool(options: ProtocolPoolOptions): ProtocolPool {
  // undici reads the options and keeps nothing of them: one object per mix entry, not one per request.
  const opts: UndiciRequest[] = options.requests.map((spec) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of spec.headers) headers[k] = v;
    return {
      path: spec.path,
      method: spec.method as Dispatcher.HttpMethod,
      headers: spec.headers.length > 0 ? headers : null,
      body: spec.body,
      ...(spec.reset ? { reset: true } : {}),
    };
  });
  const podHeader = Buffer.from(options.podHeader, 'latin1');
  return createSlotPool<UndiciSlot>(options, {
    make: () => new UndiciSlot(options, podHeader),
    dispatch: (slot, r) => slot.send(r, opts[r.mixIndex] as UndiciRequest),
    destroy: (slot) => slot.client.destroy().catch(() => undefined),
  });
}

/** owsView is `value` without blanks around it (undici keeps trailing ones), the same buffer when it has none. */
function owsView(value: Buffer): Buffer {
  const n = value.length;
  if (n === 0 || (!isBlank(value[0] as number) && !isBlank(value[n - 1] as number))) return value;
  let s = 0;
  let e = n;
  while (s < e && isBlank(value[s] as number)) s += 1;
  while (e > s && isBlank(value[e - 1] as number)) e -= 1;
  return value.subarray(s, e);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** owsTrimmed reads a header value as latin1 without the blanks (SP, HTAB) around it, which undici keeps at its end. */
function owsTrimmed(value: Buffer): string {
  return owsView(value).toString('latin1');
}

/** sameNameIgnoringCase compares a header name with a lower-case one, ASCII case-insensitively, without a string. */
function sameNameIgnoringCase(name: Buffer, lower: Buffer): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i += 1) {
    const c = name[i] as number;
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower[i]) return false;
  }
  return true;
}

/** sameLatin1 says whether `bytes` read as latin1 is `text`. */
function sameLatin1(bytes: Buffer, text: string): boolean {
  const n = bytes.length;
  if (text.length !== n) return false;
  for (let i = 0; i < n; i += 1) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
