import type { Dispatcher } from 'undici';
import type { AnsweredBy, OutcomeKind, Population } from '../results/types.js';
import { classifyError, errorCode, statusKind } from './classify.js';
import type { Slot } from './connection-pool.js';
import { whoAnswered } from './who-answered.js';

/** AnswerHeaders are the lower-case header names the engine keeps besides the pod header (front-door fields). */
export interface AnswerHeaders {
  upstream: Buffer;
}

const SERVER = Buffer.from('server');
const VIA = Buffer.from('via');
// How much of a failed answer's body is read to recognise a proxy's error page.
const SNIFF_BYTES = 1024;

/** Settle is told once when a request ends, with everything needed to record it. */
export type Settle = (
  r: InFlightRequest,
  kind: OutcomeKind,
  code?: string,
  message?: string,
) => void;

/**
 * InFlightRequest is one scheduled request and its undici dispatch handler
 * (the callback form, which costs the least per request); the lean client
 * calls the same hooks (onStatus and onAnswer instead of onHeaders, onBodyBytes
 * instead of onData). It never retries.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler {
  slot: Slot | null = null;
  startAtMs = 0;
  endAtMs = 0;
  connId = '';
  reused = false;
  status: number | undefined = undefined;
  settled = false;
  /** pod is the pod last seen on this request's connection (when it was written, or its own answer). */
  pod: string | undefined = undefined;
  /** kind, errorCode and message are set when it settles: the request is its own RequestOutcome. */
  kind: OutcomeKind = 'ok';
  errorCode: string | undefined = undefined;
  message: string | undefined = undefined;
  /** Front-door fields (issue 12): who answered, and the headers that say so. */
  answeredBy: AnsweredBy | undefined = undefined;
  server: string | undefined = undefined;
  via: string | undefined = undefined;
  upstream: string | undefined = undefined;
  /** mixIndex is the --mix entry this request sends. */
  mixIndex = 0;
  private responseStarted = false;
  private podNamed = false;
  private sniff: Buffer[] | null = null;
  private sniffed = 0;

  constructor(
    readonly intendedAtMs: number,
    readonly population: Population,
    readonly counted: boolean,
    private readonly podHeader: Buffer,
    private readonly settle: Settle,
    /** method is the request's method (one entry of --mix). */
    readonly method: string = 'GET',
    private readonly answerHeaders: AnswerHeaders | null = null,
  ) {}

  onConnect(): void {
    // Called when the request is written to a socket: that socket is the slot's current connection.
    const slot = this.slot;
    if (slot === null) return;
    this.connId = slot.connId;
    this.reused = slot.requests > 0;
    this.pod = slot.pod;
    slot.requests += 1;
  }

  onResponseStarted(): void {
    this.responseStarted = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.responseStarted = true;
    if (statusCode < 200) return true;
    this.status = statusCode;
    const slot = this.slot;
    if (slot !== null) {
      const want = this.podHeader;
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        if (sameNameIgnoringCase(rawHeaders[i] as Buffer, want)) {
          const value = owsView(rawHeaders[i + 1] as Buffer);
          this.podNamed = true;
          // The same pod answers a connection again and again: keep its string, don't decode anew.
          const last = slot.pod;
          slot.pod = this.pod =
            last !== undefined && sameLatin1(value, last) ? last : value.toString('latin1');
          break;
        }
      }
    }
    if (this.answerHeaders !== null) this.readAnswerHeaders(statusCode, rawHeaders, this.answerHeaders);
    return true;
  }

  /** onStatus is the lean client's onHeaders: the final status, and the pod its connection last named. */
  onStatus(statusCode: number, pod: string | undefined): void {
    this.responseStarted = true;
    this.status = statusCode;
    this.pod = pod;
  }

  /**
   * onAnswer is the lean client's front-door facts of the response whose status
   * onStatus gave: whether it named its pod, its upstream header (a failure's,
   * or a success's list), and a failure's server and via headers.
   */
  onAnswer(podNamed: boolean, upstream: string | undefined, server: string | undefined, via: string | undefined): void {
    this.podNamed = podNamed;
    this.upstream = upstream;
    this.server = server;
    this.via = via;
    if ((this.status ?? 0) >= 400) this.sniff = [];
  }

  /** sniffWanted is how many more body bytes a failed answer's sniff takes (0: none). */
  get sniffWanted(): number {
    return this.sniff === null ? 0 : Math.max(0, SNIFF_BYTES - this.sniffed);
  }

  /** onBodyBytes gives the lean client's body bytes `buf[s, e)` of a failed answer (copied: the buffer is reused). */
  onBodyBytes(buf: Buffer, s: number, e: number): void {
    if (this.sniff === null || e <= s) return;
    this.sniff.push(Buffer.from(buf.subarray(s, e)));
    this.sniffed += e - s;
  }

  // The upstream header on every answer (a retried success lists several addresses); server and via on failures.
  private readAnswerHeaders(statusCode: number, rawHeaders: Buffer[], names: AnswerHeaders): void {
    const failed = statusCode >= 400;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as Buffer;
      if (sameNameIgnoringCase(name, names.upstream)) {
        const value = rawHeaders[i + 1] as Buffer;
        // A success matters only when the proxy retried (a list); don't make a string per request otherwise.
        if (failed || value.includes(0x2c)) this.upstream = owsTrimmed(value);
      }
      else if (failed && sameNameIgnoringCase(name, SERVER)) this.server = owsTrimmed(rawHeaders[i + 1] as Buffer);
      else if (failed && sameNameIgnoringCase(name, VIA)) this.via = owsTrimmed(rawHeaders[i + 1] as Buffer);
    }
    if (failed) this.sniff = [];
  }

  onData(chunk: Buffer): boolean {
    if (this.sniff !== null && this.sniffed < SNIFF_BYTES) {
      this.sniff.push(chunk);
      this.sniffed += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    if (this.sniff !== null) {
      const head = Buffer.concat(this.sniff).subarray(0, SNIFF_BYTES).toString('latin1');
      this.sniff = null;
      this.answeredBy = whoAnswered({ podNamed: this.podNamed, server: this.server, via: this.via, bodyHead: head });
      // A proxy's own answer says nothing about the pod last seen on this client connection.
      if (this.answeredBy !== 'app') this.pod = undefined;
    }
    this.settle(this, statusKind(this.status ?? 0));
  }

  onError(err: Error): void {
    if (this.settled) return;
    const code = errorCode(err);
    const kind = classifyError({
      code,
      reused: this.reused,
      responseStarted: this.responseStarted,
    });
    this.settle(this, kind, code ?? err.name, err.message);
  }
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
