// One connection of the lean HTTP/2 client, straight on net.Socket (or a TLS
// socket with ALPN h2): the preface and settings, streams opened up to the
// server's MAX_CONCURRENT_STREAMS (none before its SETTINGS arrive), request
// bytes copied from per-pool templates into one write per tick, flow control
// both ways (a large window announced at start), PING and SETTINGS acks,
// RST_STREAM, GOAWAY, and each stream's fate when it ends (h2-fate.ts).
import type { IncomingHttpHeaders } from 'node:http2';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import {
  copyBytes, DEFAULT_WINDOW_BYTES, ErrorCode, Flag, FRAME_HEADER_BYTES, FrameType, goawayBytes, MAX_WINDOW_BYTES, PREFACE, readU32,
  Setting, SETTINGS_ACK, settingsFrame, u32Frame, writeFrameHeader, writeU32,
} from './frame-codec.js';
import { FrameReader, type FrameHandler } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import { GOAWAY_DEBUG_BYTES, H2ConnectionState } from './h2-connection-state.js';
import type { AnswerReader, H2Call } from './h2-contract.js';
import { h2ErrorName, streamFate } from './h2-fate.js';
import { HpackDecoder, HpackError } from './hpack-decoder.js';
import { LeanH2Stream, type StreamOwner } from './lean-h2-stream.js';
import { dialH2, type LeanH2Target, type RequestTemplate } from './lean-h2-target.js';

// The window this client opens for the connection and each stream at start, and when it tops them up.
const RECV_WINDOW_BYTES = 1 << 30;
const TOP_UP_BYTES = 1 << 29;
// Past this stream id the connection takes no new streams (ids end at 2^31 - 1).
const LAST_STREAM_ID = 0x7fff0000;

const OPENING = Buffer.concat([
  PREFACE,
  settingsFrame([[Setting.EnablePush, 0], [Setting.InitialWindowSize, RECV_WINDOW_BYTES]]),
  u32Frame(FrameType.WindowUpdate, 0, RECV_WINDOW_BYTES - DEFAULT_WINDOW_BYTES),
]);

/** LeanH2Connection is one HTTP/2 connection on its own socket and what the client knows of it (h2-connection-state.ts). */
export class LeanH2Connection extends H2ConnectionState implements FrameHandler, StreamOwner {
  private readonly socket: net.Socket;
  private readonly reader: FrameReader;
  private readonly decoder = new HpackDecoder();
  private readonly streams = new Map<number, LeanH2Stream>();
  /** waiting: dispatched, not yet sent (no SETTINGS yet, or the server's stream limit reached). */
  private waiting: LeanH2Stream[] = [];
  /** blocked: sent, with body left for flow control to let through. */
  private blocked: LeanH2Stream[] = [];
  private settingsSeen = false;
  private closing = false;
  private nextId = 1;
  private sendWindow = DEFAULT_WINDOW_BYTES;
  private peerWindow = DEFAULT_WINDOW_BYTES;
  private peerMaxFrame = 16_384;
  private recvBytes = 0;
  private readonly out: FrameWriter;

  constructor(
    id: string,
    private readonly t: LeanH2Target,
  ) {
    super(id);
    this.reader = new FrameReader(this);
    this.socket = dialH2(t, {
      opened: () => this.opened(),
      read: (buf, n) => this.reader.push(buf, 0, n),
      failed: (code) => void (this.errorCode ??= code),
      closed: () => this.closed(),
    });
    this.out = new FrameWriter(this.socket);
    this.connectWithin(t.timeoutMs);
  }

  get usable(): boolean {
    return !this.draining && !this.gone;
  }

  /** request sends call `r` (its request is template `mix`) on a new stream, or holds it until the server allows one. */
  request(r: H2Call, mix: number, reader: AnswerReader): LeanH2Stream {
    const st = new LeanH2Stream(r, mix, reader, this);
    this.open += 1;
    this.started += 1;
    this.record.streams += 1;
    if (this.settingsSeen && this.streams.size < this.maxStreams && this.waiting.length === 0) this.send(st);
    else this.waiting.push(st);
    return st;
  }

  /** cancel gives up on a stream (its --timeout): RST_STREAM CANCEL if it went out, then settled as timed out. */
  cancel(st: LeanH2Stream): void {
    if (st.id !== 0 && !this.gone) this.emit(u32Frame(FrameType.RstStream, st.id, ErrorCode.Cancel));
    this.finish(st);
  }

  close(): void {
    this.draining = true;
    this.closing = true;
    if (this.open === 0) this.shutdown();
  }

  destroy(): void {
    this.draining = true;
    this.clearConnectTimer();
    this.socket.destroy();
  }

  protected abandon(): void {
    this.socket.destroy();
  }

  private opened(): void {
    this.clearConnectTimer();
    this.out.ready = true;
    const s = this.socket;
    if (this.t.tls !== null && (s as tls.TLSSocket).alpnProtocol !== 'h2') {
      this.errorCode ??= 'EALPN';
      s.destroy();
      return;
    }
    this.noteOpened(this.t.nowMs(), s.remoteAddress, s.remotePort);
    this.emit(OPENING);
    this.t.changed(this, 'opened');
  }

  // ---- frames from the server (FrameHandler) ----

  data(sid: number, endStream: boolean, b: Buffer, s: number, e: number, flowBytes: number): void {
    this.recvBytes += flowBytes;
    if (this.recvBytes >= TOP_UP_BYTES) {
      this.emit(u32Frame(FrameType.WindowUpdate, 0, this.recvBytes));
      this.recvBytes = 0;
    }
    const st = this.streams.get(sid);
    if (st === undefined) return;
    st.recvBytes += flowBytes;
    if (st.recvBytes >= TOP_UP_BYTES && !endStream) {
      this.emit(u32Frame(FrameType.WindowUpdate, sid, st.recvBytes));
      st.recvBytes = 0;
    }
    // No copy: a reader copies what it keeps of the pool's read buffer.
    if (e > s) st.reader.data(b, s, e);
    if (endStream) {
      st.ended = true;
      this.finish(st);
    }
  }

  headerBlock(sid: number, endStream: boolean, b: Buffer, s: number, e: number): void {
    let fields;
    try {
      // Every block is decoded, also a forgotten stream's: the server's table changes with each.
      fields = this.decoder.decode(b, s, e) as IncomingHttpHeaders;
    } catch (err) {
      if (!(err instanceof HpackError)) throw err;
      return this.connectionError(ErrorCode.CompressionError, err.message);
    }
    const st = this.streams.get(sid);
    if (st === undefined) return;
    if (!st.responseStarted) {
      const status = Number(fields[':status'] ?? 0);
      // An informational (1xx) answer is not the answer.
      if (status >= 100 && status < 200 && !endStream) return;
      st.responseStarted = true;
      const pod = fields[this.t.podHeader];
      if (typeof pod === 'string') {
        this.seePod(pod);
        st.call.pod = pod;
      }
      st.reader.headers(fields);
    } else st.reader.trailers(fields);
    if (endStream) {
      st.ended = true;
      this.finish(st);
    }
  }

  rstStream(sid: number, code: number): void {
    const st = this.streams.get(sid);
    if (st === undefined) return;
    st.rstCode = code;
    this.finish(st);
  }

  settings(b: Buffer, s: number, e: number): void {
    for (let i = s; i < e; i += 6) {
      const id = ((b[i] as number) << 8) | (b[i + 1] as number);
      const value = readU32(b, i + 2);
      if (id === Setting.MaxConcurrentStreams) this.maxStreams = value;
      else if (id === Setting.InitialWindowSize) {
        if (value > MAX_WINDOW_BYTES) return this.connectionError(ErrorCode.FlowControlError, 'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1');
        const delta = value - this.peerWindow;
        this.peerWindow = value;
        for (const st of this.streams.values()) st.sendWindow += delta;
      } else if (id === Setting.MaxFrameSize) {
        if (value < 16_384 || value > 16_777_215) return this.connectionError(ErrorCode.ProtocolError, 'SETTINGS_MAX_FRAME_SIZE out of range');
        this.peerMaxFrame = value;
      }
    }
    this.emit(SETTINGS_ACK);
    this.settingsSeen = true;
    this.t.changed(this, 'settings');
    this.sendWaiting();
    this.pump();
  }

  ping(b: Buffer, s: number): void {
    const ack = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 8);
    writeFrameHeader(ack, 0, 8, FrameType.Ping, Flag.Ack, 0);
    b.copy(ack, FRAME_HEADER_BYTES, s, s + 8);
    this.emit(ack);
  }

  goaway(lastStreamId: number, code: number, b: Buffer, s: number, e: number): void {
    this.noteGoaway(this.t.nowMs(), code, lastStreamId, e > s ? b.toString('utf8', s, Math.min(e, s + GOAWAY_DEBUG_BYTES)) : undefined);
    this.t.changed(this, 'goaway');
    // Streams above its last id (and those never sent) were never processed: they end now.
    for (const st of this.waiting.splice(0)) this.finish(st);
    for (const st of [...this.streams.values()]) if (st.id > lastStreamId) this.finish(st);
    if (code !== ErrorCode.NoError) return this.destroy();
    this.closing = true;
    if (this.open === 0) this.shutdown();
  }

  windowUpdate(sid: number, increment: number): void {
    if (sid === 0) {
      if (increment === 0) return this.connectionError(ErrorCode.ProtocolError, 'WINDOW_UPDATE of 0');
      this.sendWindow += increment;
      if (this.sendWindow > MAX_WINDOW_BYTES) return this.connectionError(ErrorCode.FlowControlError, 'the window beyond 2^31-1');
    } else {
      const st = this.streams.get(sid);
      if (st === undefined) return;
      st.sendWindow += increment;
    }
    this.pump();
  }

  connectionError(code: number, _message: string): void {
    this.reader.dead = true;
    this.errorCode ??= h2ErrorName(code);
    this.draining = true;
    this.emit(goawayBytes(0, code));
    this.out.flush();
    this.socket.end();
    this.socket.destroySoon();
  }

  // ---- sending ----

  private send(st: LeanH2Stream): void {
    const id = this.nextId;
    this.nextId += 2;
    if (this.nextId > LAST_STREAM_ID) this.draining = true;
    st.id = id;
    this.streams.set(id, st);
    const tpl = this.t.requests[st.mix] as RequestTemplate;
    const at = this.out.reserve(tpl.headers.length);
    copyBytes(tpl.headers, 0, tpl.headers.length, this.out.buf, at);
    writeU32(this.out.buf, at + 5, id);
    if (tpl.body === null) return;
    st.sendWindow = this.peerWindow;
    if (!this.sendBody(st, tpl.body)) this.blocked.push(st);
  }

  // sendBody sends what flow control lets through of the body; true once all of it (with END_STREAM) went.
  private sendBody(st: LeanH2Stream, body: Buffer): boolean {
    do {
      const left = body.length - st.bodySent;
      const n = Math.min(left, this.peerMaxFrame, this.sendWindow, st.sendWindow);
      if (n <= 0 && left > 0) return false;
      const at = this.out.reserve(FRAME_HEADER_BYTES + n);
      writeFrameHeader(this.out.buf, at, n, FrameType.Data, n === left ? Flag.EndStream : 0, st.id);
      copyBytes(body, st.bodySent, st.bodySent + n, this.out.buf, at + FRAME_HEADER_BYTES);
      st.bodySent += n;
      this.sendWindow -= n;
      st.sendWindow -= n;
    } while (st.bodySent < body.length);
    return true;
  }

  // pump sends the bodies flow control held back, in order.
  private pump(): void {
    while (this.blocked.length > 0) {
      const st = this.blocked[0] as LeanH2Stream;
      if (!st.done && !this.sendBody(st, (this.t.requests[st.mix] as RequestTemplate).body as Buffer)) return;
      this.blocked.shift();
    }
  }

  private sendWaiting(): void {
    if (!this.settingsSeen) return;
    while (this.waiting.length > 0 && this.streams.size < this.maxStreams && !this.gone && this.nextId <= LAST_STREAM_ID)
      this.send(this.waiting.shift() as LeanH2Stream);
  }

  private emit(bytes: Buffer): void {
    this.out.put(bytes);
  }

  // ---- ends ----

  private finish(st: LeanH2Stream): void {
    if (st.done) return;
    st.done = true;
    if (st.id !== 0) this.streams.delete(st.id);
    else {
      // Given up on before it went out: it must never go.
      const at = this.waiting.indexOf(st);
      if (at >= 0) this.waiting.splice(at, 1);
    }
    this.open -= 1;
    const r = st.call;
    r.streamId = st.id;
    r.pod ??= this.pod;
    // An answered stream (END_STREAM, no reset, not given up on) is judged by its answer alone.
    const answered = st.ended && st.responseStarted && st.rstCode === undefined && !st.timedOut;
    const fate = answered ? null : streamFate({
      streamId: st.id,
      connected: this.connected,
      goawayLastStreamId: this.goawayLast,
      goawayCode: this.goawayCode,
      rstCode: st.rstCode,
      connectionGone: this.gone,
      errorCode: this.errorCode,
      responseStarted: st.responseStarted,
      ended: st.ended && st.responseStarted && st.rstCode === undefined,
      timedOut: st.timedOut,
    });
    this.t.ended(this, st);
    if (fate !== null) this.t.settle(r, fate.kind, fate.code, fate.message);
    else {
      const v = st.reader.verdict();
      this.t.settle(r, v.kind, v.code, v.message);
    }
    if (this.open === 0 && this.closing) this.shutdown();
    else if (this.waiting.length > 0 && !this.draining) this.sendWaiting();
  }

  // shutdown ends a connection with no stream left: a GOAWAY, then the close.
  private shutdown(): void {
    if (this.gone) return;
    if (!this.connected) return this.destroy();
    this.emit(goawayBytes(0, ErrorCode.NoError));
    this.out.flush();
    this.socket.end();
  }

  private closed(): void {
    this.clearConnectTimer();
    if (this.gone) return;
    this.noteGone();
    this.reader.dead = true;
    this.out.ready = false;
    for (const st of this.waiting.splice(0)) this.finish(st);
    for (const st of [...this.streams.values()]) this.finish(st);
    if (this.connected) this.noteClosed(this.t.nowMs());
    this.t.changed(this, 'closed');
  }
}
