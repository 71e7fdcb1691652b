// The header section of a response, for the lean client's parser: status
// line, framing headers (Content-Length, Transfer-Encoding, Connection,
// Keep-Alive), the pod header and the front-door headers, read in whole lines
// across reads that split anywhere. Malformed input is reported with llhttp's
// error codes (what undici reports), so it classifies alike.

/** HEAD_MORE: the header section needs more bytes. */
export const HEAD_MORE = -1;
/** HEAD_FAILED: the header section is malformed (see `failCode`). */
export const HEAD_FAILED = -2;

// undici's (and Node's) default limit on the header section.
const MAX_HEAD_BYTES = 16 * 1024;
const CR = 13;
const LF = 10;

/** ResponseHead reads the header section of the responses of one connection, one request at a time. */
export class ResponseHead {
  status = 0;
  contentLength = -1;
  chunked = false;
  teOther = false;
  keepAliveMs = -1;
  /** clSeen/clValue: a Content-Length header and its value read as parseInt does (undici checks the body against it). */
  clSeen = false;
  clValue = 0;
  /** podSource, podStart, podEnd: where the pod header value is once the head is in (podStart -1: none). */
  podSource: Buffer = NO_NAME;
  podStart = -1;
  podEnd = -1;
  /**
   * Front-door headers of the final response (who answered): `server` and `via`
   * of a failure (status >= 400), and the upstream header of a failure or, on a
   * success, only when it lists a retry (a comma): no string per ordinary answer.
   */
  server: string | undefined = undefined;
  via: string | undefined = undefined;
  upstream: string | undefined = undefined;
  /** failCode and failMessage say why `read` returned HEAD_FAILED. */
  failCode = '';
  failMessage = '';
  private stash: Buffer | null = null;
  private headBytes = 0;
  private sawStatus = false;
  private minor = 1;
  private connClose = false;
  private connKeepAlive = false;
  private podBuf: Buffer | null = null;
  private lastKeepAlive: Buffer | null = null;
  private lastKeepAliveMs = -1;

  constructor(
    private readonly podName: Buffer,
    private readonly upstreamName: Buffer = NO_NAME,
  ) {}

  /** begin readies it for the response to a new request. */
  begin(): void {
    this.stash = null;
    this.headBytes = 0;
    this.resetHead();
  }

  /** keepAliveOk is whether the connection may carry another request after this response (llhttp's view). */
  keepAliveOk(): boolean {
    return this.minor >= 1 ? !this.connClose : this.connKeepAlive && !this.connClose;
  }

  /**
   * read consumes whole header lines from buf[i, end) (a partial line is stashed)
   * and returns the index in buf after the final response's header section (1xx
   * responses are skipped), HEAD_MORE when it needs more bytes, or HEAD_FAILED.
   */
  read(buf: Buffer, i: number, end: number): number {
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
      if (this.headBytes > MAX_HEAD_BYTES) return this.fail('HPE_HEADER_OVERFLOW', 'Header overflow');
      if (lf < 0) {
        if (to > pos) this.stash = Buffer.from(b.subarray(pos, to));
        this.keepPod(b);
        this.headBytes -= to - pos; // counted again when the line completes
        return HEAD_MORE;
      }
      const ls = pos;
      const le = lf > ls && b[lf - 1] === CR ? lf - 1 : lf;
      pos = lf + 1;
      if (!this.sawStatus) {
        if (!this.statusLine(b, ls, le)) return HEAD_FAILED;
      } else if (le > ls) {
        if (!this.headerLine(b, ls, le)) return HEAD_FAILED;
      } else if (this.status >= 200) {
        // The empty line: the final response's header section is complete.
        return this.endOfHead(b) ? pos - shift : HEAD_FAILED;
      } else if (this.status === 101) {
        return this.fail('UND_ERR_SOCKET', 'bad upgrade'); // an upgrade nobody asked for
      } else {
        this.resetHead(); // a 1xx: its final response follows
        this.headBytes = 0;
      }
    }
  }

  private endOfHead(b: Buffer): boolean {
    if (this.chunked && this.contentLength >= 0) {
      this.fail('HPE_UNEXPECTED_CONTENT_LENGTH', "Content-Length can't be present with Transfer-Encoding");
      return false;
    }
    this.podSource = this.podBuf ?? b;
    return true;
  }

  private fail(code: string, message: string): number {
    this.stash = null;
    this.failCode = code;
    this.failMessage = message;
    return HEAD_FAILED;
  }

  private resetHead(): void {
    this.sawStatus = false;
    this.server = undefined;
    this.via = undefined;
    this.upstream = undefined;
    this.status = 0;
    this.contentLength = -1;
    this.clSeen = false;
    this.podStart = -1;
    this.podBuf = null;
    this.chunked = false;
    this.teOther = false;
    this.connClose = false;
    this.connKeepAlive = false;
    this.keepAliveMs = -1;
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
