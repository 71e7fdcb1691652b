// HPACK (RFC 7541) against the examples of its Appendix C: integers, single
// fields, request sequences with and without Huffman coding sharing one
// dynamic table, response sequences that evict from a 256-octet table; then
// malformed blocks the decoder must refuse, and the encoder read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, HpackError } from '../../src/traffic/h2/hpack-decoder.js';
import { encodeHeaderBlock, pushInt } from '../../src/traffic/h2/hpack-encoder.js';
import { huffmanDecode, HuffmanError } from '../../src/traffic/h2/hpack-huffman.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function decodeAll(d: HpackDecoder, block: string): Array<[string, string]> {
  const b = hex(block);
  return Object.entries(d.decode(b, 0, b.length));
}

test('C.1: integers with a 5-bit and an 8-bit prefix', () => {
  const out: number[] = [];
  pushInt(out, 0, 5, 10);
  assert.deepEqual(out, [0x0a]);
  out.length = 0;
  pushInt(out, 0, 5, 1337);
  assert.deepEqual(out, [0x1f, 0x9a, 0x0a]);
  out.length = 0;
  pushInt(out, 0, 8, 42);
  assert.deepEqual(out, [0x2a]);
});

test('C.2: one field each — literal with indexing, without, never indexed, indexed', () => {
  const d = new HpackDecoder();
  assert.deepEqual(decodeAll(d, '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'), [['custom-key', 'custom-header']]);
  assert.equal(d.tableOctets, 55);
  assert.deepEqual(decodeAll(d, '040c 2f73 616d 706c 652f 7061 7468'), [[':path', '/sample/path']]);
  assert.deepEqual(decodeAll(d, '1008 7061 7373 776f 7264 0673 6563 7265 74'), [['password', 'secret']]);
  assert.equal(d.tableEntries, 1, 'neither literal without indexing entered the table');
  assert.deepEqual(decodeAll(d, '82'), [[':method', 'GET']]);
});

const REQUEST = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQUESTS = [REQUEST, [...REQUEST, ['cache-control', 'no-cache']], [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']]];

for (const [name, blocks] of [
  ['C.3: three requests without Huffman coding', ['8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d', '8286 84be 5808 6e6f 2d63 6163 6865', '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65']],
  ['C.4: the same requests with Huffman coding', ['8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff', '8286 84be 5886 a8eb 1064 9cbf', '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf']],
] as const) {
  test(`${name}, one dynamic table across them`, () => {
    const d = new HpackDecoder();
    const sizes = [57, 110, 164];
    blocks.forEach((b, i) => {
      assert.deepEqual(decodeAll(d, b), REQUESTS[i]);
      assert.equal(d.tableOctets, sizes[i]);
    });
  });
}

const DATE_1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const RESPONSES = [
  [[':status', '302'], ['cache-control', 'private'], ['date', DATE_1], ['location', 'https://www.example.com']],
  [[':status', '307'], ['cache-control', 'private'], ['date', DATE_1], ['location', 'https://www.example.com']],
  [[':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'], ['content-encoding', 'gzip'], ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1']],
];

for (const [name, blocks] of [
  ['C.5: three responses without Huffman coding', [
    '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    '4803 3330 37c1 c0bf',
    '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
  ]],
  ['C.6: the same responses with Huffman coding', [
    '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
    '4883 640e ffc1 c0bf',
    '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
  ]],
] as const) {
  test(`${name}, evicting from a 256-octet table`, () => {
    const d = new HpackDecoder(256);
    const sizes = [222, 222, 215];
    const entries = [4, 4, 3];
    blocks.forEach((b, i) => {
      assert.deepEqual(decodeAll(d, b), RESPONSES[i]);
      assert.equal(d.tableOctets, sizes[i], `table size after response ${i + 1}`);
      assert.equal(d.tableEntries, entries[i], `entries after response ${i + 1}`);
    });
  });
}

test('malformed blocks are refused: index beyond the table, a size update above the limit or after a field, a string past the end', () => {
  const bad = ['be', '3fe21f', '823f01', '400a6375', '7f', '00'];
  for (const b of bad) assert.throws(() => decodeAll(new HpackDecoder(), b), HpackError, b);
  // A size update within the limit, before any field, empties the table.
  const d = new HpackDecoder();
  decodeAll(d, '400a637573746f6d2d6b65790d637573746f6d2d686561646572');
  decodeAll(d, '20');
  assert.equal(d.tableOctets, 0);
});

test('Huffman: EOS inside a string, padding longer than 7 bits or not all ones, are refused', () => {
  // 'a' is 00011 (5 bits); 0x1f pads with ones: a valid one-byte string.
  assert.equal(huffmanDecode(Buffer.from([0x1f]), 0, 1), 'a');
  assert.throws(() => huffmanDecode(Buffer.from([0x18]), 0, 1), HuffmanError, 'zero padding');
  assert.throws(() => huffmanDecode(Buffer.from([0x1f, 0xff]), 0, 2), HuffmanError, 'padding past 7 bits');
  assert.throws(() => huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4), HuffmanError, 'EOS');
});

test('the encoder: static indexes where the table has the field, literals without indexing otherwise, read back the same', () => {
  assert.deepEqual(encodeHeaderBlock([[':method', 'GET']]), hex('82'));
  assert.deepEqual(encodeHeaderBlock([[':path', '/sample/path']]), hex('040c 2f73 616d 706c 652f 7061 7468'));
  const fields: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':authority', '127.0.0.1:8080'], [':path', '/grpc.health.v1.Health/Check'], ['content-type', 'application/grpc'], ['te', 'trailers'], ['x-'.padEnd(200, 'y'), 'v'.repeat(300)]];
  const block = encodeHeaderBlock(fields);
  const d = new HpackDecoder();
  assert.deepEqual(Object.entries(d.decode(block, 0, block.length)), fields);
  assert.equal(d.tableEntries, 0, 'nothing indexed: the server keeps no table for us');
});

test('a repeated block that leaves the table alone decodes to the remembered fields, until the table changes', () => {
  const d = new HpackDecoder();
  // A literal with indexing (x-pod-name: web-1) enters the table at index 62; `be` is that entry.
  const first = hex('40 0a 782d706f642d6e616d65 05 7765622d31');
  assert.deepEqual(Object.entries(d.decode(first, 0, first.length)), [['x-pod-name', 'web-1']]);
  const answer = hex('88 be 00 03 666f6f 03 626172');
  const a = d.decode(answer, 0, answer.length);
  assert.deepEqual(Object.entries(a), [[':status', '200'], ['x-pod-name', 'web-1'], ['foo', 'bar']]);
  assert.equal(Object.isFrozen(a), true);
  // The same octets from another place in another buffer: the same fields, not decoded again.
  const again = Buffer.concat([hex('ffff'), answer]);
  assert.equal(d.decode(again, 2, again.length), a);
  // A block with an incremental-indexing literal changes the table: it is never remembered, and 62 now names web-2.
  const second = hex('40 0a 782d706f642d6e616d65 05 7765622d32');
  const s1 = d.decode(second, 0, second.length);
  assert.equal(Object.isFrozen(s1), false);
  assert.deepEqual(Object.entries(d.decode(answer, 0, answer.length)), [[':status', '200'], ['x-pod-name', 'web-2'], ['foo', 'bar']]);
  // A table size update is a change too: afterwards index 62 is gone, and the block is refused rather than remembered.
  const shrink = hex('20 88');
  d.decode(shrink, 0, shrink.length);
  assert.throws(() => d.decode(answer, 0, answer.length), HpackError);
});
