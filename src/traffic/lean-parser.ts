// The lean client's HTTP/1.1 response parser: only what the engine records
// (status, framing, keep-alive, one named header), incremental over reads that
// split anywhere, never throwing: a malformed response is reported through
// `fail` with llhttp's error codes (what undici reports), so it classifies alike.

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

// undici's (and Node's) default limit on the header section.
const MAX_HEAD_BYTES = 16 * 1024;
const CR = 13;
const LF = 10;

/** ResponseParser parses the responses of one connection, one request at a time. */
export class ResponseParser {
  private state = S.Idle;
  private noBody = false;
  private stash: Buffer | null = null;
  private headBytes = 0;
  private sawStatus = false;
  private status = 0;
  private minor = 1;
  private contentLength = -1;
  private chunked = false;
  private teOther = false;
  private connClose = false;
  private connKeepAlive = false;
  private keepAliveMs = -1;
  private remaining = 0;
  private sizeDigits = 0;
  private lineEmpty = true;
  private podBuf: Buffer | null = null;
  private podStart = -1;
  private podEnd = -1;
  /** clSeen/clValue: a Content-Length header and its value read as parseInt does (undici checks the body against it). */
  private clSeen = false;
  private clValue = 0;
  private bodyRead = 0;
  private lastKeepAlive: Buffer | null = null;
  private lastKeepAliveMs = -1;
  /** finalSeen: a final status line and its headers have been parsed for the current request. */
  finalSeen = false;
  /**
   * Front-door headers of the final response (who answered): `server` and `via`
   * of a failure (status >= 400), and the upstream header of a failure or, on a
   * success, only when it lists a retry (a comma): no string per ordinary answer.
   */
  server: string | undefined = undefined;
  via: string | undefined = undefined;
  upstream: string | undefined = undefined;
  /** sniffLeft is how many more body bytes the sink wants through `body` (set by the sink in `headers`). */
  sniffLeft = 0;

  constructor(
    private readonly sink: ParserSink,
    private readonly podName: Buffer,
    private readonly upstreamName: Buffer = NO_NAME,
  ) {}

  /** begin readies the parser for the response to a request (`head`: a HEAD request, no body follows). */
  begin(head: boolean): void {
    this.state = S.Head;
    this.noBody = head;
    this.stash = null;
    this.headBytes = 0;
    this.finalSeen = false;
    this.resetHead();
  }

  /** waiting says whether a response is expected or being read. */
  get waiting(): boolean {
    return this.state !== S.Idle && this.state !== S.Dead;
  }

  /** shouldKeepAlive is llhttp's view of the final response so far (false before its headers). */
  get shouldKeepAlive(): boolean {
    return this.finalSeen && this.state !== S.BodyEof && this.keepAliveOk();
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
          const next = this.head(buf, i, end);
          if (next < 0) return;
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

  private resetHead(): void {
    this.sawStatus = false;
    this.server = undefined;
    this.via = undefined;
    this.upstream = undefined;
    this.sniffLeft = 0;
    this.status = 0;
    this.contentLength = -1;
    this.clSeen = false;
    this.bodyRead = 0;
    this.podStart = -1;
    this.podBuf = null;
    this.chunked = false;
    this.teOther = false;
    this.connClose = false;
    this.connKeepAlive = false;
    this.keepAliveMs = -1;
  }

  private keepAliveOk(): boolean {
    return this.minor >= 1 ? !this.connClose : this.connKeepAlive && !this.connClose;
  }

  private fail(code: string, message: string): void {
    this.state = S.Dead;
    this.stash = null;
    // undici reports any parse error under a Content-Length the body does not match as that mismatch.
    if (this.clSeen && this.bodyRead !== this.clValue)
      this.sink.fail(
        'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
        'Response body object length does not match content-length header',
      );
    else this.sink.fail(code, message);
  }

  private done(): void {
    this.state = S.Idle;
    this.sink.complete(this.keepAliveOk(), this.keepAliveMs);
  }

  // head consumes whole header lines from buf[i, end) (a partial line is stashed) and returns
  // the index in buf after the header section, or -1 when it needs more bytes or failed.
  private head(buf: Buffer, i: number, end: number): number {
    let b = buf;
    let pos = i;
    let to = end;
    let shift = 0; // index in b minus index in buf
    if (this.stash !== null) {
      shift = this.stash.length - i;
      b = Buffer.concat([this.stash, buf.subarray(i, end)]);
      this.stash = null;
      pos = 0;
      to = b.length;
    }
    for (;;) {
      let lf = b.indexOf(LF, pos);
      if (lf >= to) lf = -1;
      const used = (lf < 0 ? to : lf + 1) - pos;
      this.headBytes += used;
      if (this.headBytes > MAX_HEAD_BYTES) {
        this.fail('HPE_HEADER_OVERFLOW', 'Header overflow');
        return -1;
      }
      if (lf < 0) {
        if (to > pos) this.stash = Buffer.from(b.subarray(pos, to));
        this.keepPod(b);
        this.headBytes -= to - pos; // counted again when the line completes
        return -1;
      }
      const ls = pos;
      const le = lf > ls && b[lf - 1] === CR ? lf - 1 : lf;
      pos = lf + 1;
      if (!this.sawStatus) {
        if (!this.statusLine(b, ls, le)) return -1;
        continue;
      }
      if (le > ls) {
        if (!this.headerLine(b, ls, le)) return -1;
        continue;
      }
      // The empty line: the header section is complete.
      if (!this.endOfHead(b)) return -1;
      if (this.state !== S.Head) return pos - shift;
      this.headBytes = 0; // a 1xx: its final response follows
    }
  }

  private statusLine(b: Buffer, s: number, e: number): boolean {
    // "HTTP/1.x SSS[ reason]"
    if (
      e - s < 12 ||
      b[s] !== 0x48 ||
      b[s + 1] !== 0x54 ||
      b[s + 2] !== 0x54 ||
      b[s + 3] !== 0x50 ||
      b[s + 4] !== 0x2f ||
      b[s + 5] !== 0x31 ||
      b[s + 6] !== 0x2e ||
      b[s + 8] !== 0x20 ||
      (e - s > 12 && b[s + 12] !== 0x20)
    ) {
      this.fail('HPE_INVALID_CONSTANT', 'Expected HTTP/');
      return false;
    }
    const minor = (b[s + 7] as number) - 0x30;
    const d0 = (b[s + 9] as number) - 0x30;
    const d1 = (b[s + 10] as number) - 0x30;
    const d2 = (b[s + 11] as number) - 0x30;
    if (minor < 0 || minor > 9 || !digit(d0) || !digit(d1) || !digit(d2)) {
      this.fail('HPE_INVALID_STATUS', 'Invalid status code');
      return false;
    }
    this.minor = minor;
    this.status = d0 * 100 + d1 * 10 + d2;
    this.sawStatus = true;
    return true;
  }

  private headerLine(b: Buffer, s: number, e: number): boolean {
    const first = b[s] as number;
    if (first === 0x20 || first === 0x09) return true; // obsolete line folding: a continued value we don't read
    let colon = s;
    while (colon < e && b[colon] !== 0x3a) {
      if (!TOKEN[b[colon] as number]) {
        this.fail('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
        return false;
      }
      colon += 1;
    }
    if (colon === e || colon === s) {
      this.fail('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      return false;
    }
    let vs = colon + 1;
    while (vs < e && (b[vs] === 0x20 || b[vs] === 0x09)) vs += 1;
    let ve = e;
    while (ve > vs && (b[ve - 1] === 0x20 || b[ve - 1] === 0x09)) ve -= 1;
    const n = colon - s;
    if (n === this.podName.length && nameIs(b, s, this.podName)) this.podAt(vs, ve);
    else if (n === 14 && nameIs(b, s, CONTENT_LENGTH)) return this.length(b, vs, ve);
    else if (n === 17 && nameIs(b, s, TRANSFER_ENCODING)) {
      if (endsWithChunked(b, vs, ve)) this.chunked = true;
      else this.teOther = true;
    } else if (n === 10 && nameIs(b, s, CONNECTION)) {
      if (hasToken(b, vs, ve, CLOSE)) this.connClose = true;
      if (hasToken(b, vs, ve, KEEP_ALIVE)) this.connKeepAlive = true;
    } else if (n === 10 && nameIs(b, s, KEEP_ALIVE)) this.keepAlive(b, vs, ve);
    else this.frontDoor(b, s, n, vs, ve);
    return true;
  }

  // frontDoor keeps the headers that tell who answered (see `server`); failures are rare, so strings then.
  private frontDoor(b: Buffer, s: number, n: number, vs: number, ve: number): void {
    const failed = this.status >= 400;
    if (n === this.upstreamName.length && nameIs(b, s, this.upstreamName)) {
      const comma = b.indexOf(0x2c, vs);
      if (failed || (comma >= 0 && comma < ve)) this.upstream = b.toString('latin1', vs, ve);
    } else if (failed && n === 6 && nameIs(b, s, SERVER)) this.server = b.toString('latin1', vs, ve);
    else if (failed && n === 3 && nameIs(b, s, VIA)) this.via = b.toString('latin1', vs, ve);
  }

  // keepPod copies the pod header value out of a read buffer the head outlives (reads may share one buffer).
  private keepPod(b: Buffer): void {
    if (this.podStart < 0 || this.podBuf !== null) return;
    this.podBuf = Buffer.from(b.subarray(this.podStart, this.podEnd));
    this.podStart = 0;
    this.podEnd = this.podBuf.length;
  }

  // keepAlive reads the Keep-Alive header's timeout, decoding only when it differs from the last one.
  private keepAlive(b: Buffer, vs: number, ve: number): void {
    const last = this.lastKeepAlive;
    if (last === null || !sameBytes(b, vs, ve, last)) {
      this.lastKeepAlive = Buffer.from(b.subarray(vs, ve));
      this.lastKeepAliveMs = keepAliveTimeoutMs(b, vs, ve);
    }
    this.keepAliveMs = this.lastKeepAliveMs;
  }

  private podAt(vs: number, ve: number): void {
    this.podBuf = null;
    this.podStart = vs;
    this.podEnd = ve;
  }

  private length(b: Buffer, vs: number, ve: number): boolean {
    let v = 0;
    for (let k = vs; k < ve; k += 1) {
      const d = (b[k] as number) - 0x30;
      if (!digit(d) || v > 1e15) {
        this.clSeen = k > vs;
        this.clValue = v;
        this.fail('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
        return false;
      }
      v = v * 10 + d;
    }
    if (vs === ve) {
      this.fail('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
      return false;
    }
    if (this.contentLength >= 0 && this.contentLength !== v) {
      this.fail('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
      return false;
    }
    this.contentLength = v;
    this.clSeen = true;
    this.clValue = v;
    return true;
  }

  // endOfHead decides the framing of the body (or, for a 1xx, waits for the final response).
  private endOfHead(b: Buffer): boolean {
    const status = this.status;
    if (status < 200) {
      if (status === 101) {
        // An upgrade nobody asked for.
        this.fail('UND_ERR_SOCKET', 'bad upgrade');
        return false;
      }
      this.resetHead();
      return true;
    }
    if (this.chunked && this.contentLength >= 0) {
      this.fail(
        'HPE_UNEXPECTED_CONTENT_LENGTH',
        "Content-Length can't be present with Transfer-Encoding",
      );
      return false;
    }
    this.finalSeen = true;
    this.sink.headers(status, this.podBuf ?? b, this.podStart, this.podEnd);
    if (this.state === S.Dead) return false; // the sink gave up on the connection
    if (this.noBody || status === 204 || status === 304) this.done();
    else if (this.chunked) {
      this.state = S.ChunkSize;
      this.remaining = 0;
      this.sizeDigits = 0;
    } else if (this.contentLength >= 0 && !this.teOther) {
      this.remaining = this.contentLength;
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

const CONTENT_LENGTH = Buffer.from('content-length');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const CONNECTION = Buffer.from('connection');
const KEEP_ALIVE = Buffer.from('keep-alive');
const CLOSE = Buffer.from('close');
const CHUNKED = Buffer.from('chunked');
const SERVER = Buffer.from('server');
const VIA = Buffer.from('via');
const NO_NAME = Buffer.alloc(0);

// RFC 9110 tchar.
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c += 1) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c += 1) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c += 1) TOKEN[c] = 1;

function digit(d: number): boolean {
  return d >= 0 && d <= 9;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** nameIs compares b[s, s + lowerName.length) with a lower-case name, ASCII case-insensitively. */
function nameIs(b: Buffer, s: number, lowerName: Buffer): boolean {
  for (let k = 0; k < lowerName.length; k += 1)
    if (lower(b[s + k] as number) !== lowerName[k]) return false;
  return true;
}

/** sameBytes says whether b[s, e) is `other` (a short value: a JS loop beats a native call). */
function sameBytes(b: Buffer, s: number, e: number, other: Buffer): boolean {
  if (e - s !== other.length) return false;
  for (let k = 0; k < other.length; k += 1) if (b[s + k] !== other[k]) return false;
  return true;
}

/** hasToken says whether the comma-separated list b[vs, ve) holds `token` (lower case). */
function hasToken(b: Buffer, vs: number, ve: number, token: Buffer): boolean {
  let k = vs;
  while (k < ve) {
    while (k < ve && (b[k] === 0x20 || b[k] === 0x09 || b[k] === 0x2c)) k += 1;
    const s = k;
    while (k < ve && b[k] !== 0x2c) k += 1;
    let e = k;
    while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0x09)) e -= 1;
    if (e - s === token.length && nameIs(b, s, token)) return true;
  }
  return false;
}

/** endsWithChunked: chunked is the last transfer coding. */
function endsWithChunked(b: Buffer, vs: number, ve: number): boolean {
  const n = CHUNKED.length;
  if (ve - vs < n || !nameIs(b, ve - n, CHUNKED)) return false;
  const before = ve - n - 1;
  return before < vs || b[before] === 0x2c || b[before] === 0x20 || b[before] === 0x09;
}

/** keepAliveTimeoutMs reads "timeout=N" from a Keep-Alive header (-1: none), as undici does. */
function keepAliveTimeoutMs(b: Buffer, vs: number, ve: number): number {
  const m = /timeout=(\d+)/.exec(b.toString('latin1', vs, ve));
  return m ? Number(m[1]) * 1000 : -1;
}
