// HTTP/2 frames as bytes (RFC 9113 §4, §6): the types, flags and settings the
// lean client uses, the client's connection preface, and the small frames it
// writes (SETTINGS, its ACK, PING ACK, WINDOW_UPDATE, RST_STREAM, GOAWAY).

/** FrameType numbers the frame types of RFC 9113 §6. */
export const enum FrameType {
  Data = 0x0,
  Headers = 0x1,
  Priority = 0x2,
  RstStream = 0x3,
  Settings = 0x4,
  PushPromise = 0x5,
  Ping = 0x6,
  Goaway = 0x7,
  WindowUpdate = 0x8,
  Continuation = 0x9,
}

/** Flag holds the flag bits, each meaningful only on the frame types RFC 9113 gives it (END_STREAM and ACK share a bit). */
export const Flag = {
  EndStream: 0x1,
  Ack: 0x1,
  EndHeaders: 0x4,
  Padded: 0x8,
  Priority: 0x20,
} as const;

/** Setting numbers the setting identifiers (RFC 9113 §6.5.2). */
export const enum Setting {
  HeaderTableSize = 0x1,
  EnablePush = 0x2,
  MaxConcurrentStreams = 0x3,
  InitialWindowSize = 0x4,
  MaxFrameSize = 0x5,
  MaxHeaderListSize = 0x6,
}

/** ErrorCode numbers the HTTP/2 error codes this client sends (RFC 9113 §7). */
export const enum ErrorCode {
  NoError = 0x0,
  ProtocolError = 0x1,
  FlowControlError = 0x3,
  FrameSizeError = 0x6,
  RefusedStream = 0x7,
  Cancel = 0x8,
  CompressionError = 0x9,
}

/** FRAME_HEADER_BYTES is the fixed frame header: length (24 bits), type, flags, stream id. */
export const FRAME_HEADER_BYTES = 9;
/** DEFAULT_MAX_FRAME_BYTES is SETTINGS_MAX_FRAME_SIZE until a peer says otherwise (and what this client accepts). */
export const DEFAULT_MAX_FRAME_BYTES = 16_384;
/** DEFAULT_WINDOW_BYTES is every flow-control window's size at start. */
export const DEFAULT_WINDOW_BYTES = 65_535;
/** MAX_WINDOW_BYTES is the largest a flow-control window may grow. */
export const MAX_WINDOW_BYTES = 0x7fffffff;

/** PREFACE is the client connection preface's fixed 24 octets. */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** writeFrameHeader writes a frame header at `at` of `buf`. */
export function writeFrameHeader(buf: Uint8Array, at: number, length: number, type: number, flags: number, streamId: number): void {
  buf[at] = (length >>> 16) & 0xff;
  buf[at + 1] = (length >>> 8) & 0xff;
  buf[at + 2] = length & 0xff;
  buf[at + 3] = type;
  buf[at + 4] = flags;
  writeU32(buf, at + 5, streamId & 0x7fffffff);
}

/** writeU32 writes a big-endian 32-bit unsigned integer. */
export function writeU32(buf: Uint8Array, at: number, n: number): void {
  buf[at] = (n >>> 24) & 0xff;
  buf[at + 1] = (n >>> 16) & 0xff;
  buf[at + 2] = (n >>> 8) & 0xff;
  buf[at + 3] = n & 0xff;
}

/** readU32 reads a big-endian 32-bit unsigned integer. */
export function readU32(buf: Uint8Array, at: number): number {
  return (((buf[at] as number) << 24) | ((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number)) >>> 0;
}

/** frameBytes is one whole frame. */
export function frameBytes(type: number, flags: number, streamId: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length, type, flags, streamId);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** settingsFrame is a SETTINGS frame of [identifier, value] pairs. */
export function settingsFrame(pairs: ReadonlyArray<readonly [number, number]>): Buffer {
  const p = Buffer.allocUnsafe(6 * pairs.length);
  pairs.forEach(([id, value], i) => {
    p.writeUInt16BE(id, 6 * i);
    writeU32(p, 6 * i + 2, value);
  });
  return frameBytes(FrameType.Settings, 0, 0, p);
}

/** SETTINGS_ACK is the acknowledgement of a peer's SETTINGS. */
export const SETTINGS_ACK = frameBytes(FrameType.Settings, Flag.Ack, 0);

/** u32Frame is a frame whose payload is one 32-bit value (WINDOW_UPDATE, RST_STREAM). */
export function u32Frame(type: number, streamId: number, value: number): Buffer {
  const p = Buffer.allocUnsafe(4);
  writeU32(p, 0, value);
  return frameBytes(type, 0, streamId, p);
}

/** goawayBytes is a GOAWAY with its last-stream-id and error code, no debug data. */
export function goawayBytes(lastStreamId: number, code: number): Buffer {
  const p = Buffer.allocUnsafe(8);
  writeU32(p, 0, lastStreamId & 0x7fffffff);
  writeU32(p, 4, code);
  return frameBytes(FrameType.Goaway, 0, 0, p);
}

// Below this many octets a plain loop copies faster than Buffer#copy, whose argument checks cost more than the copy.
const SMALL_COPY_BYTES = 128;

/** copyBytes copies src[start, end) to dst at `at` (the few octets of a frame by a loop, more by memcpy). */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start > SMALL_COPY_BYTES) {
    dst.set(src.subarray(start, end), at);
    return;
  }
  for (let i = start, j = at; i < end; i += 1, j += 1) dst[j] = src[i] as number;
}
