// gRPC's message framing over HTTP/2 DATA: a 1-byte compressed flag, a 4-byte
// big-endian length, then the message.

/** FRAME_HEADER_BYTES is the length prefix of every gRPC message. */
export const FRAME_HEADER_BYTES = 5;

/** frameMessage prefixes an (uncompressed) message with its flag and length. */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + message.length);
  out.writeUInt32BE(message.length, 1);
  out.set(message, FRAME_HEADER_BYTES);
  return out;
}

/**
 * MessageCounter follows the framing of a response body without keeping it:
 * how many whole messages arrived, and whether the body ended mid-message.
 * It allocates nothing (the length prefix is summed as it arrives).
 */
export class MessageCounter {
  messages = 0;
  private headHave = 0;
  private length = 0;
  private bodyLeft = 0;

  /** push follows chunk[start, end) of the body. */
  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    let i = start;
    while (i < end) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, end - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.messages += 1;
        continue;
      }
      // Octet 0 is the compressed flag; octets 1-4 the big-endian length.
      if (this.headHave > 0) this.length = this.length * 256 + (chunk[i] as number);
      this.headHave += 1;
      i += 1;
      if (this.headHave < FRAME_HEADER_BYTES) continue;
      this.headHave = 0;
      this.bodyLeft = this.length;
      this.length = 0;
      if (this.bodyLeft === 0) this.messages += 1;
    }
  }

  /** truncated says whether the body stopped inside a message. */
  get truncated(): boolean {
    return this.headHave > 0 || this.bodyLeft > 0;
  }
}
