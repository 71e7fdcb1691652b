import type { IncomingHttpHeaders } from 'node:http2';
import { statusKind } from '../classify.js';
import { UPSTREAM_HEADER } from '../front-door.js';
import { whoAnswered } from '../who-answered.js';
import type { AnswerReader, AnswerVerdict, H2Call } from './h2-contract.js';

// How much of a failed answer's body is read to recognise a proxy's error page.
const SNIFF_BYTES = 1024;

/** headerText reads one header as a string (the first value of a repeated one). */
export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * HttpReader reads a plain HTTP/2 answer: the status decides, and a failed
 * answer's server and via headers and first body bytes say whether the app or
 * a proxy in front of it wrote it. A proxy's upstream header is kept on every
 * answer (a failure's names the pod the proxy used; a success's with a comma
 * is one the proxy saved by a retry). One object per call, no closures: the
 * client makes one for every stream.
 */
export class HttpReader implements AnswerReader {
  private sniff: Buffer[] | null = null;
  private sniffed = 0;
  private podNamed = false;

  constructor(
    protected readonly r: H2Call,
    private readonly podHeader: string,
  ) {}

  headers(headers: IncomingHttpHeaders): void {
    const r = this.r;
    const status = Number(headers[':status'] ?? 0);
    r.status = status;
    this.podNamed = headers[this.podHeader] !== undefined;
    const upstream = headerText(headers, UPSTREAM_HEADER);
    if (upstream !== undefined) r.upstream = upstream;
    if (status >= 400) {
      r.server = headerText(headers, 'server');
      r.via = headerText(headers, 'via');
      this.sniff = [];
    }
  }

  data(buf: Buffer, start: number, end: number): void {
    if (this.sniff === null || this.sniffed >= SNIFF_BYTES) return;
    // A copy: the bytes are the client's read buffer, valid only during this call.
    const n = Math.min(end - start, SNIFF_BYTES - this.sniffed);
    this.sniff.push(Buffer.from(buf.subarray(start, start + n)));
    this.sniffed += n;
  }

  trailers(_trailers: IncomingHttpHeaders): void {}

  verdict(): AnswerVerdict {
    const r = this.r;
    if (this.sniff !== null) {
      const bodyHead = Buffer.concat(this.sniff).toString('latin1');
      r.answeredBy = whoAnswered({ podNamed: this.podNamed, server: r.server, via: r.via, bodyHead });
      if (r.answeredBy !== 'app') r.pod = undefined;
    }
    return { kind: statusKind(r.status ?? 0) };
  }
}

/** createHttpReader is an HttpReader for call `r`. */
export function createHttpReader(r: H2Call, podHeader: string): AnswerReader {
  return new HttpReader(r, podHeader);
}
