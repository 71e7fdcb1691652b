// The HPACK decoder (RFC 7541) of one HTTP/2 connection: indexed fields,
// literals with and without indexing (Huffman or raw), the dynamic table with
// its evictions, and table size updates. A server encodes against the table
// this decoder keeps, so every header block on the connection goes through it,
// in order, even one for a stream the client has forgotten.
import { huffmanDecode, HuffmanError } from './hpack-huffman.js';
import { STATIC_TABLE } from './hpack-static.js';

/** HpackError is a header block the decoder cannot read: a connection error (COMPRESSION_ERROR). */
export class HpackError extends Error {}

/** HeaderFields are a decoded header block: names lower-case, the first value of a repeated name kept. */
export type HeaderFields = Record<string, string>;

// Each dynamic entry costs its name and value octets plus this (RFC 7541 §4.1).
const ENTRY_OVERHEAD = 32;
// Blocks remembered with what they decoded to, and the longest one remembered.
const MEMO_BLOCKS = 8;
const MEMO_MAX_BYTES = 128;

/** A header block's octets and what they decoded to against the table of generation `gen`. */
interface MemoBlock {
  bytes: Buffer;
  gen: number;
  fields: HeaderFields;
}

/**
 * HpackDecoder decodes the header blocks of one connection in the order they
 * arrive. A server answering the same call again and again sends the same
 * few blocks, most of them all indexes and literals without indexing, which
 * leave the table as it was: such a block's fields are remembered, frozen,
 * and handed out again while the table is unchanged (same octets against the
 * same table decode to the same fields), so a repeated answer costs a
 * comparison of its octets instead of an object and its strings.
 */
export class HpackDecoder {
  /** Dynamic entries, newest first. */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private size = 0;
  private maxSize: number;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  // gen counts the dynamic table's changes (an insert, an eviction, a size update): a memo is valid at its own gen only.
  private gen = 0;
  private readonly memo: MemoBlock[] = [];
  private memoNext = 0;

  /** `limit` is the SETTINGS_HEADER_TABLE_SIZE this client announced: the most the server may set. */
  constructor(private readonly limit = 4096) {
    this.maxSize = limit;
  }

  /** tableOctets is the dynamic table's size as HPACK counts it (each entry's octets + 32). */
  get tableOctets(): number {
    return this.size;
  }

  /** tableEntries is how many entries the dynamic table holds. */
  get tableEntries(): number {
    return this.names.length;
  }

  /** decode reads the header block buf[start, end) into HeaderFields, frozen when remembered (throws HpackError). */
  decode(buf: Uint8Array, start: number, end: number): HeaderFields {
    const len = end - start;
    if (len > MEMO_MAX_BYTES) return this.read(buf, start, end);
    for (const m of this.memo) if (m.gen === this.gen && m.bytes.length === len && sameOctets(m.bytes, buf, start)) return m.fields;
    const gen = this.gen;
    const out = this.read(buf, start, end);
    if (this.gen !== gen) return out;
    const kept: MemoBlock = { bytes: Buffer.from(buf.subarray(start, end)), gen, fields: Object.freeze(out) };
    if (this.memo.length < MEMO_BLOCKS) this.memo.push(kept);
    else this.memo[this.memoNext] = kept;
    this.memoNext = (this.memoNext + 1) % MEMO_BLOCKS;
    return out;
  }

  private read(buf: Uint8Array, start: number, end: number): HeaderFields {
    const out: HeaderFields = {};
    this.buf = buf;
    this.pos = start;
    let fields = 0;
    try {
      while (this.pos < end) {
        const b = buf[this.pos] as number;
        if (b & 0x80) {
          const index = this.int(7, end);
          this.add(out, this.nameAt(index), this.values[index - STATIC_TABLE.length - 1] ?? (STATIC_TABLE[index - 1] as readonly [string, string])[1]);
        } else if ((b & 0xe0) === 0x20) {
          if (fields > 0) throw new HpackError('a table size update after a header field');
          const size = this.int(5, end);
          if (size > this.limit) throw new HpackError(`table size update to ${size} above the ${this.limit} announced`);
          this.maxSize = size;
          this.gen += 1;
          this.evict(0);
          continue;
        } else {
          // 01: with incremental indexing (6-bit index); 0000 and 0001: without, never indexed (4-bit).
          const indexing = (b & 0xc0) === 0x40;
          const index = this.int(indexing ? 6 : 4, end);
          const name = index === 0 ? this.str(end) : this.nameAt(index);
          const value = this.str(end);
          if (indexing) this.insert(name, value);
          this.add(out, name, value);
        }
        fields += 1;
      }
    } catch (e) {
      if (e instanceof HuffmanError) throw new HpackError(e.message);
      throw e;
    }
    this.buf = new Uint8Array(0);
    return out;
  }

  private add(out: HeaderFields, name: string, value: string): void {
    if (out[name] === undefined) out[name] = value;
  }

  private nameAt(index: number): string {
    if (index === 0) throw new HpackError('index 0');
    if (index <= STATIC_TABLE.length) return (STATIC_TABLE[index - 1] as readonly [string, string])[0];
    const name = this.names[index - STATIC_TABLE.length - 1];
    if (name === undefined) throw new HpackError(`index ${index} beyond the dynamic table`);
    return name;
  }

  private insert(name: string, value: string): void {
    this.gen += 1;
    const cost = name.length + value.length + ENTRY_OVERHEAD;
    this.evict(cost);
    // An entry larger than the whole table empties it and is not added (RFC 7541 §4.4).
    if (cost > this.maxSize) return;
    this.names.unshift(name);
    this.values.unshift(value);
    this.size += cost;
  }

  // evict drops the oldest entries until `room` more octets fit.
  private evict(room: number): void {
    while (this.size + room > this.maxSize && this.names.length > 0) {
      const name = this.names.pop() as string;
      const value = this.values.pop() as string;
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
    }
  }

  // int reads an integer with an N-bit prefix (RFC 7541 §5.1).
  private int(prefixBits: number, end: number): number {
    const max = (1 << prefixBits) - 1;
    let v = (this.buf[this.pos] as number) & max;
    this.pos += 1;
    if (v < max) return v;
    let mul = 1;
    for (;;) {
      if (this.pos >= end) throw new HpackError('an integer runs past the block');
      const b = this.buf[this.pos] as number;
      this.pos += 1;
      v += (b & 0x7f) * mul;
      if (v > 0xffffffff) throw new HpackError('an integer too large');
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
  }

  // str reads a string literal: the H bit, a 7-bit-prefix length, the octets (RFC 7541 §5.2).
  private str(end: number): string {
    if (this.pos >= end) throw new HpackError('a string runs past the block');
    const huffman = ((this.buf[this.pos] as number) & 0x80) !== 0;
    const len = this.int(7, end);
    const s = this.pos;
    if (s + len > end) throw new HpackError('a string runs past the block');
    this.pos = s + len;
    if (huffman) return huffmanDecode(this.buf, s, s + len);
    return latin1(this.buf, s, s + len);
  }
}

function sameOctets(a: Buffer, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[at + i]) return false;
  return true;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start > 24) return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  let out = '';
  for (let i = start; i < end; i += 1) out += String.fromCharCode(buf[i] as number);
  return out;
}
