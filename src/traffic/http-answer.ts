import type { Settle, InFlightRequest } from './request.js';
import { classifyError, errorCode, statusKind } from './classify.js';
import { whoAnswered } from './who-answered.js';

// How much of a failed answer's body is read to recognise a proxy's error page.
const SNIFF_BYTES = 1024;

/**
 * HttpAnswer reads the answer to one HTTP request at a time on a connection,
 * for both HTTP/1.1 clients: whether the response started, whether it named its
 * pod, a failed answer's first body bytes (who answered: the app or a proxy),
 * and the outcome it settles the request with. One per connection, reset by
 * `begin` for each request: nothing allocated per request.
 */
export class HttpAnswer {
  /** responseStarted: a byte of the response arrived. */
  responseStarted = false;
  /** podNamed: the final answer carried the --pod-header. */
  podNamed = false;
  private sniff: Buffer[] | null = null;
  private sniffed = 0;

  constructor(private readonly settle: Settle) {}

  /** begin readies it for a request just dispatched. */
  begin(): void {
    this.responseStarted = false;
    this.podNamed = false;
    this.sniff = null;
    this.sniffed = 0;
  }

  /** sniffBody asks for the body's first bytes (a failed answer's: a proxy's error page says who answered). */
  sniffBody(): void {
    this.sniff = [];
  }

  /** sniffWanted is how many more body bytes the sniff takes (0: none). */
  get sniffWanted(): number {
    return this.sniff === null ? 0 : Math.max(0, SNIFF_BYTES - this.sniffed);
  }

  /** bodyBytes keeps body bytes `buf[s, e)` for the sniff (copied: the buffer is reused). */
  bodyBytes(buf: Buffer, s: number, e: number): void {
    if (this.sniff === null || e <= s) return;
    this.sniff.push(Buffer.from(buf.subarray(s, e)));
    this.sniffed += e - s;
  }

  /** bodyChunk keeps a body chunk the caller hands over for good, while the sniff wants more. */
  bodyChunk(chunk: Buffer): void {
    if (this.sniff !== null && this.sniffed < SNIFF_BYTES) {
      this.sniff.push(chunk);
      this.sniffed += chunk.length;
    }
  }

  /** complete settles `r` by its status; a failed answer's sniff says who answered. */
  complete(r: InFlightRequest): void {
    if (r.settled) return;
    if (this.sniff !== null) {
      const head = Buffer.concat(this.sniff).subarray(0, SNIFF_BYTES).toString('latin1');
      this.sniff = null;
      r.answeredBy = whoAnswered({ podNamed: this.podNamed, server: r.server, via: r.via, bodyHead: head });
      // A proxy's own answer says nothing about the pod last seen on this client connection.
      if (r.answeredBy !== 'app') r.pod = undefined;
    }
    this.settle(r, statusKind(r.status ?? 0));
  }

  /** fail settles `r` as the failure `err` (undici's or Node's error code) means on this connection. */
  fail(r: InFlightRequest, err: Error): void {
    if (r.settled) return;
    const code = errorCode(err);
    const kind = classifyError({ code, reused: r.reused, responseStarted: this.responseStarted });
    this.settle(r, kind, code ?? err.name, err.message);
  }
}
