// HPACK's Huffman code (RFC 7541 Appendix B) for decoding header strings. The
// code is canonical, so its bit lengths alone define it: codes are handed out
// in order of length, then of symbol. Decoding walks a binary tree built once.

// The code length in bits of each symbol 0..255 and of EOS (256).
const LENGTHS: readonly number[] = [
  13,23,28,28,28,28,28,28,28,24,30,28,28,30,28,28,28,28,28,28,28,28,30,28,28,28,28,28,28,28,28,28,
  6,10,10,12,13,6,8,11,10,10,8,11,8,6,6,6,5,5,5,6,6,6,6,6,6,6,7,8,15,6,12,10,13,6,7,7,7,7,7,7,7,7,
  7,7,7,7,7,7,7,7,7,7,7,7,7,7,8,7,8,13,19,13,14,6,15,5,6,5,6,5,6,6,6,5,7,7,6,6,6,5,6,7,6,5,5,6,7,
  7,7,7,7,15,11,14,13,28,20,22,20,20,22,22,22,23,22,23,23,23,23,23,24,23,24,24,22,23,24,23,23,23,
  23,21,22,23,22,23,23,24,22,21,20,22,22,23,23,21,23,22,22,24,21,22,23,23,21,21,22,21,23,22,23,23,
  20,22,22,22,23,22,22,23,26,26,20,19,22,23,22,25,26,26,26,27,27,26,24,25,19,21,26,27,27,26,27,24,
  21,21,26,26,28,27,27,27,20,24,20,21,22,21,21,23,22,22,25,25,24,24,26,23,26,27,26,26,27,27,27,27,
  27,28,27,27,27,27,27,26,30,
];

const EOS = 256;

/** HuffmanError is a string that is not valid HPACK Huffman (EOS inside, or bad padding). */
export class HuffmanError extends Error {}

/**
 * TREE is the decoding tree: node n's children are at 2n and 2n + 1 (bit 0,
 * bit 1); a child below 0 is the leaf of symbol -(child + 1), 0 is no child.
 */
const TREE: Int32Array = buildTree();

function buildTree(): Int32Array {
  const order = LENGTHS.map((len, sym) => [len, sym] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const tree = new Int32Array(2 * 2 * order.length);
  let nodes = 1;
  let code = 0;
  let prevLen = order[0]?.[0] ?? 0;
  for (const [len, sym] of order) {
    code *= 2 ** (len - prevLen);
    prevLen = len;
    let node = 0;
    for (let bit = len - 1; bit > 0; bit -= 1) {
      const at = 2 * node + (Math.floor(code / 2 ** bit) & 1);
      if (tree[at] === 0) tree[at] = nodes++;
      node = tree[at] as number;
    }
    tree[2 * node + (code & 1)] = -(sym + 1);
    code += 1;
  }
  return tree;
}

/** huffmanDecode decodes buf[start, end) to a latin1 string (throws HuffmanError on a malformed string). */
export function huffmanDecode(buf: Uint8Array, start: number, end: number): string {
  let out = '';
  let node = 0;
  // Bits read since the last symbol, and whether all of them were 1s (the only valid padding).
  let pending = 0;
  let ones = true;
  for (let i = start; i < end; i += 1) {
    const byte = buf[i] as number;
    for (let bit = 7; bit >= 0; bit -= 1) {
      const b = (byte >> bit) & 1;
      const next = TREE[2 * node + b] as number;
      pending += 1;
      ones &&= b === 1;
      if (next < 0) {
        const sym = -next - 1;
        if (sym === EOS) throw new HuffmanError('EOS inside a Huffman string');
        out += String.fromCharCode(sym);
        node = 0;
        pending = 0;
        ones = true;
      } else if (next === 0) throw new HuffmanError('no such Huffman code');
      else node = next;
    }
  }
  if (pending > 7 || !ones) throw new HuffmanError('bad padding after a Huffman string');
  return out;
}
