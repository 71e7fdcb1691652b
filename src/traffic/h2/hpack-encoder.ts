// The HPACK encoder of the lean HTTP/2 client: a request's header block is the
// same for every request of a --mix entry, so it is encoded once per pool,
// from the static table where a field is there and as literals without
// indexing otherwise (no dynamic table: nothing to keep in step with the server).
import { staticIndex } from './hpack-static.js';

/** encodeHeaderBlock encodes header fields (names lower-case) as one HPACK header block. */
export function encodeHeaderBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const bytes: number[] = [];
  for (const [name, value] of fields) {
    const index = staticIndex(name, value);
    if (index > 0) {
      // Indexed header field: 1xxxxxxx.
      pushInt(bytes, 0x80, 7, index);
      continue;
    }
    // Literal without indexing: 0000xxxx with the name's static index, or 0 and the name.
    pushInt(bytes, 0x00, 4, -index);
    if (index === 0) pushString(bytes, name);
    pushString(bytes, value);
  }
  return Buffer.from(bytes);
}

/** pushInt appends an integer with an N-bit prefix whose high bits are `flags` (RFC 7541 §5.1). */
export function pushInt(bytes: number[], flags: number, prefixBits: number, n: number): void {
  const max = (1 << prefixBits) - 1;
  if (n < max) {
    bytes.push(flags | n);
    return;
  }
  bytes.push(flags | max);
  let rest = n - max;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
}

// pushString appends a raw (not Huffman) string literal of latin1 text.
function pushString(bytes: number[], text: string): void {
  const octets = Buffer.from(text, 'latin1');
  pushInt(bytes, 0x00, 7, octets.length);
  for (const b of octets) bytes.push(b);
}
