// The lean client's HTTP/1.1 response parser: only what the engine records
// (status, framing, keep-alive, one named header), incremental over reads that
// split anywhere, never throwing: a malformed response is reported through
// `fail` with llhttp's error codes (what undici reports), so it classifies alike.
// The header section is `lean-head.ts`'s; this file frames the body.
import { HEAD_FAILED, HEAD_MORE, ResponseHead } from './lean-head.js';

/** ParserSink is told what the parser finds; the lean connection implements it. */
export interface ParserSink {
  /** headers: a final (>= 200) status and its headers are in; `podStart`..`podEnd` in `buf` is the pod header value (-1: none). */
  headers(status: number, buf: Buffer, podStart: number, podEnd: number): void;
  /** complete: the response ended; `keepAlive` says whether the connection may carry another request. */
  complete(keepAlive: boolean, keepAliveMs: number): void;
  /** fail: the response is malformed (an llhttp HPE_* code). */
  fail(code: string, message: string): void;
  /** body: bytes `buf[s, e)` of the body, told only while `sniffLeft` asks for them (decoded from chunks). */
  body(buf: Buffer, s: number, e: number): void;
}

const enum S {
  Idle,
  Head,
  BodyLength,
  ChunkSize,
  ChunkExt,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  Trailer,
  BodyEof,
  Dead,
}

const CR = 13;
const LF = 10;

/** ResponseParser parses the responses of one connection, one request at a time. */
export class ResponseParser {
  private state = S.Idle;
  private noBody = false;
  private remaining = 0;
  private sizeDigits = 0;
  private lineEmpty = true;
  private bodyRead = 0;
  private readonly h: ResponseHead;
  /** finalSeen: a final status line and its headers have been parsed for the current request. */
  finalSeen = false;
  /** sniffLeft is how many more body bytes the sink wants through `body` (set by the sink in `headers`). */
  sniffLeft = 0;

  constructor(
    private readonly sink: ParserSink,
    podName: Buffer,
    upstreamName?: Buffer,
  ) {
    this.h = new ResponseHead(podName, upstreamName);
  }

  /** server, via and upstream: the front-door headers of the final response (see ResponseHead). */
  get server(): string | undefined {
    return this.h.server;
  }

  get via(): string | undefined {
    return this.h.via;
  }

  get upstream(): string | undefined {
    return this.h.upstream;
  }

  /** begin readies the parser for the response to a request (`head`: a HEAD request, no body follows). */
  begin(head: boolean): void {
    this.state = S.Head;
    this.noBody = head;
    this.finalSeen = false;
    this.sniffLeft = 0;
    this.bodyRead = 0;
    this.h.begin();
  }

  /** waiting says whether a response is expected or being read. */
  get waiting(): boolean {
    return this.state !== S.Idle && this.state !== S.Dead;
  }

  /** shouldKeepAlive is llhttp's view of the final response so far (false before its headers). */
  get shouldKeepAlive(): boolean {
    return this.finalSeen && this.state !== S.BodyEof && this.h.keepAliveOk();
  }

  /** eof is told when the peer closed under a response: it ends an EOF-delimited body, or fails one cut short. */
  eof(): void {
    if (this.state === S.BodyEof) {
      this.state = S.Idle;
      this.sink.complete(false, -1);
    } else this.fail('HPE_INVALID_EOF_STATE', 'Invalid EOF state');
  }

  /** execute parses `buf[start, end)`; bytes after the response's end make the connection unusable (failed). */
  execute(buf: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case S.Head: {
          const next = this.h.read(buf, i, end);
          if (next === HEAD_MORE) return;
          if (next === HEAD_FAILED) return this.fail(this.h.failCode, this.h.failMessage);
          if (!this.endOfHead()) return;
          i = next;
          break;
        }
        case S.BodyLength: {
          const n = Math.min(this.remaining, end - i);
          if (this.sniffLeft > 0) this.sniff(buf, i, i + n);
          this.remaining -= n;
          this.bodyRead += n;
          i += n;
          if (this.remaining === 0) this.done();
          break;
        }
        case S.BodyEof:
          if (this.sniffLeft > 0) this.sniff(buf, i, end);
          this.bodyRead += end - i;
          return;
        case S.Idle:
        case S.Dead:
          // A byte nobody asked for: undici drops the connection ("bad response").
          if (this.state === S.Idle) this.fail('UND_ERR_SOCKET', 'bad response');
          return;
        default:
          i = this.chunks(buf, i, end);
      }
    }
  }

  // sniff hands the sink up to sniffLeft bytes of body.
  private sniff(buf: Buffer, s: number, e: number): void {
    const n = Math.min(this.sniffLeft, e - s);
    this.sniffLeft -= n;
    this.sink.body(buf, s, s + n);
  }

  private fail(code: string, message: string): void {
    this.state = S.Dead;
    const h = this.h;
    // undici reports any parse error under a Content-Length the body does not match as that mismatch.
    if (h.clSeen && this.bodyRead !== h.clValue)
      this.sink.fail(
        'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
        'Response body object length does not match content-length header',
      );
    else this.sink.fail(code, message);
  }

  private done(): void {
    this.state = S.Idle;
    this.sink.complete(this.h.keepAliveOk(), this.h.keepAliveMs);
  }

  // endOfHead tells the sink the final status and headers and decides the framing of the body.
  private endOfHead(): boolean {
    const h = this.h;
    const status = h.status;
    this.finalSeen = true;
    this.sink.headers(status, h.podSource, h.podStart, h.podEnd);
    if (this.state === S.Dead) return false; // the sink gave up on the connection
    if (this.noBody || status === 204 || status === 304) this.done();
    else if (h.chunked) {
      this.state = S.ChunkSize;
      this.remaining = 0;
      this.sizeDigits = 0;
    } else if (h.contentLength >= 0 && !h.teOther) {
      this.remaining = h.contentLength;
      this.state = S.BodyLength;
      if (this.remaining === 0) this.done();
    } else this.state = S.BodyEof;
    return true;
  }

  // chunks walks a chunked body: size[;ext]CRLF data CRLF ... 0[;ext]CRLF trailers CRLF.
  private chunks(buf: Buffer, i: number, end: number): number {
    while (i < end) {
      const c = buf[i] as number;
      switch (this.state) {
        case S.ChunkSize: {
          const h = hex(c);
          if (h >= 0) {
            this.remaining = this.remaining * 16 + h;
            this.sizeDigits += 1;
            if (this.sizeDigits > 15) return this.badChunk();
          } else if (this.sizeDigits === 0) return this.badChunk();
          else if (c === 0x3b || c === 0x20 || c === 0x09) this.state = S.ChunkExt;
          else if (c === CR) this.state = S.ChunkSizeLf;
          else if (c === LF) this.sizeDone();
          else return this.badChunk();
          i += 1;
          break;
        }
        case S.ChunkExt:
          if (c === CR) this.state = S.ChunkSizeLf;
          else if (c === LF) this.sizeDone();
          i += 1;
          break;
        case S.ChunkSizeLf:
          if (c !== LF) return this.badChunk();
          this.sizeDone();
          i += 1;
          break;
        case S.ChunkData: {
          const n = Math.min(this.remaining, end - i);
          if (this.sniffLeft > 0) this.sniff(buf, i, i + n);
          this.remaining -= n;
          this.bodyRead += n;
          i += n;
          if (this.remaining === 0) this.state = S.ChunkDataCr;
          break;
        }
        case S.ChunkDataCr:
          if (c === CR) this.state = S.ChunkDataLf;
          else if (c === LF) this.nextChunk();
          else return this.badChunk();
          i += 1;
          break;
        case S.ChunkDataLf:
          if (c !== LF) return this.badChunk();
          this.nextChunk();
          i += 1;
          break;
        case S.Trailer:
          i += 1;
          if (c === LF) {
            if (this.lineEmpty) {
              this.done();
              return i;
            }
            this.lineEmpty = true;
          } else if (c !== CR) this.lineEmpty = false;
          break;
        default:
          return i;
      }
    }
    return i;
  }

  private sizeDone(): void {
    if (this.remaining === 0) {
      this.state = S.Trailer;
      this.lineEmpty = true;
    } else this.state = S.ChunkData;
  }

  private nextChunk(): void {
    this.state = S.ChunkSize;
    this.remaining = 0;
    this.sizeDigits = 0;
  }

  private badChunk(): number {
    this.fail('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
    return Number.MAX_SAFE_INTEGER;
  }
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}
