// The lean HTTP/2 client's frame reader: frames parsed in place from each read
// (a frame split across reads is carried in a buffer of its own), padding and
// priority fields stripped, a header block's CONTINUATION frames joined, and
// every frame-level rule of RFC 9113 a client must check turned into a
// connection error for the handler. It allocates nothing for a whole frame.
import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, Flag, FRAME_HEADER_BYTES, FrameType, readU32 } from './frame-codec.js';

/** FrameHandler is told each frame's meaning; the connection implements it. */
export interface FrameHandler {
  /** data: DATA payload buf[s, e) for `streamId` (`flowBytes` counts padding too, for flow control). */
  data(streamId: number, endStream: boolean, buf: Buffer, s: number, e: number, flowBytes: number): void;
  /** headerBlock: a whole header block buf[s, e) (HEADERS and its CONTINUATIONs). */
  headerBlock(streamId: number, endStream: boolean, buf: Buffer, s: number, e: number): void;
  rstStream(streamId: number, code: number): void;
  /** settings: a SETTINGS frame that is not an ACK, its pairs in buf[s, e). */
  settings(buf: Buffer, s: number, e: number): void;
  /** ping: a PING that is not an ACK, its 8 octets at buf[s]. */
  ping(buf: Buffer, s: number): void;
  goaway(lastStreamId: number, code: number, buf: Buffer, s: number, e: number): void;
  windowUpdate(streamId: number, increment: number): void;
  /** connectionError: the peer broke the protocol; nothing more is read. */
  connectionError(code: number, message: string): void;
}

/** FrameReader turns the bytes of one connection into frames for its handler. */
export class FrameReader {
  /** dead: a connection error happened; the rest is ignored. */
  dead = false;
  private carry: Buffer = Buffer.alloc(0);
  private carryLen = 0;
  // The header block being joined from CONTINUATION frames (stream 0: none).
  private blockStream = 0;
  private blockEnd = false;
  private block: Buffer = Buffer.alloc(0);
  private blockLen = 0;

  constructor(private readonly h: FrameHandler) {}

  /** push reads buf[start, end): every whole frame is handled, the rest kept for the next read. */
  push(buf: Buffer, start: number, end: number): void {
    if (this.dead) return;
    if (this.carryLen === 0) {
      const at = this.frames(buf, start, end);
      if (at < end && !this.dead) this.keep(buf, at, end);
      return;
    }
    this.keep(buf, start, end);
    const at = this.frames(this.carry, 0, this.carryLen);
    this.carry.copyWithin(0, at, this.carryLen);
    this.carryLen -= at;
  }

  private keep(buf: Buffer, s: number, e: number): void {
    const need = this.carryLen + e - s;
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.carry.length, 1024));
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
    }
    buf.copy(this.carry, this.carryLen, s, e);
    this.carryLen = need;
  }

  // frames handles every whole frame in buf[i, end) and returns where the rest starts.
  private frames(b: Buffer, start: number, end: number): number {
    let i = start;
    while (end - i >= FRAME_HEADER_BYTES && !this.dead) {
      const len = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
      if (len > DEFAULT_MAX_FRAME_BYTES) {
        this.fail(ErrorCode.FrameSizeError, `a frame of ${len} octets, above SETTINGS_MAX_FRAME_SIZE`);
        break;
      }
      if (end - i - FRAME_HEADER_BYTES < len) break;
      const head = i;
      i += FRAME_HEADER_BYTES + len;
      this.frame(b[head + 3] as number, b[head + 4] as number, readU32(b, head + 5) & 0x7fffffff, b, head + FRAME_HEADER_BYTES, i);
    }
    return i;
  }

  private frame(type: number, flags: number, sid: number, b: Buffer, s: number, e: number): void {
    if (this.blockStream !== 0 && type !== FrameType.Continuation) return this.fail(ErrorCode.ProtocolError, 'a frame inside a header block');
    switch (type) {
      case FrameType.Data:
        return this.dataFrame(flags, sid, b, s, e);
      case FrameType.Headers:
        return this.headersFrame(flags, sid, b, s, e);
      case FrameType.Continuation:
        return this.continuation(flags, sid, b, s, e);
      case FrameType.RstStream:
        if (e - s !== 4) return this.fail(ErrorCode.FrameSizeError, 'RST_STREAM of other than 4 octets');
        if (sid === 0) return this.fail(ErrorCode.ProtocolError, 'RST_STREAM on stream 0');
        return this.h.rstStream(sid, readU32(b, s));
      case FrameType.Settings:
        if (sid !== 0) return this.fail(ErrorCode.ProtocolError, 'SETTINGS on a stream');
        if ((e - s) % 6 !== 0 || ((flags & Flag.Ack) !== 0 && e > s)) return this.fail(ErrorCode.FrameSizeError, 'SETTINGS of a bad length');
        if ((flags & Flag.Ack) === 0) this.h.settings(b, s, e);
        return;
      case FrameType.Ping:
        if (e - s !== 8) return this.fail(ErrorCode.FrameSizeError, 'PING of other than 8 octets');
        if ((flags & Flag.Ack) === 0) this.h.ping(b, s);
        return;
      case FrameType.Goaway:
        if (e - s < 8) return this.fail(ErrorCode.FrameSizeError, 'GOAWAY shorter than 8 octets');
        return this.h.goaway(readU32(b, s) & 0x7fffffff, readU32(b, s + 4), b, s + 8, e);
      case FrameType.WindowUpdate:
        if (e - s !== 4) return this.fail(ErrorCode.FrameSizeError, 'WINDOW_UPDATE of other than 4 octets');
        return this.h.windowUpdate(sid, readU32(b, s) & 0x7fffffff);
      case FrameType.PushPromise:
        return this.fail(ErrorCode.ProtocolError, 'PUSH_PROMISE, though push is disabled');
      default:
        // PRIORITY and unknown types are ignored (RFC 9113 §5.5).
        return;
    }
  }

  private dataFrame(flags: number, sid: number, b: Buffer, s: number, e: number): void {
    if (sid === 0) return this.fail(ErrorCode.ProtocolError, 'DATA on stream 0');
    const flow = e - s;
    const start = this.unpad(flags, b, s, e);
    if (start < 0) return;
    this.h.data(sid, (flags & Flag.EndStream) !== 0, b, start, e - (flags & Flag.Padded ? (b[s] as number) : 0), flow);
  }

  private headersFrame(flags: number, sid: number, b: Buffer, s: number, e: number): void {
    if (sid === 0) return this.fail(ErrorCode.ProtocolError, 'HEADERS on stream 0');
    let start = this.unpad(flags, b, s, e);
    if (start < 0) return;
    const end = e - (flags & Flag.Padded ? (b[s] as number) : 0);
    if (flags & Flag.Priority) start += 5;
    if (start > end) return this.fail(ErrorCode.ProtocolError, 'HEADERS shorter than its priority fields');
    const endStream = (flags & Flag.EndStream) !== 0;
    if (flags & Flag.EndHeaders) return this.h.headerBlock(sid, endStream, b, start, end);
    this.blockStream = sid;
    this.blockEnd = endStream;
    this.blockLen = 0;
    this.append(b, start, end);
  }

  private continuation(flags: number, sid: number, b: Buffer, s: number, e: number): void {
    if (sid === 0 || sid !== this.blockStream) return this.fail(ErrorCode.ProtocolError, 'CONTINUATION outside its header block');
    this.append(b, s, e);
    if ((flags & Flag.EndHeaders) === 0) return;
    this.blockStream = 0;
    this.h.headerBlock(sid, this.blockEnd, this.block, 0, this.blockLen);
  }

  private append(b: Buffer, s: number, e: number): void {
    const need = this.blockLen + e - s;
    if (need > this.block.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.block.length, 1024));
      this.block.copy(bigger, 0, 0, this.blockLen);
      this.block = bigger;
    }
    b.copy(this.block, this.blockLen, s, e);
    this.blockLen = need;
  }

  // unpad returns where a padded frame's content starts (-1 after a connection error).
  private unpad(flags: number, b: Buffer, s: number, e: number): number {
    if ((flags & Flag.Padded) === 0) return s;
    if (e === s || (b[s] as number) >= e - s) {
      this.fail(ErrorCode.ProtocolError, 'padding as long as the frame');
      return -1;
    }
    return s + 1;
  }

  private fail(code: number, message: string): void {
    this.dead = true;
    this.h.connectionError(code, message);
  }
}
