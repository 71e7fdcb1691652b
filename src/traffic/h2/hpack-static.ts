// HPACK's static table (RFC 7541 Appendix A): entries 1..61, shared by the
// encoder (which indexes what it can) and the decoder.

/** STATIC_TABLE holds [name, value] of static entries 1..61 at indexes 0..60. */
export const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  ...['200', '204', '206', '304', '400', '404', '500'].map((v) => [':status', v] as const),
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ...[
    'accept-language', 'accept-ranges', 'accept', 'access-control-allow-origin', 'age', 'allow', 'authorization',
    'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'content-length',
    'content-location', 'content-range', 'content-type', 'cookie', 'date', 'etag', 'expect', 'expires', 'from',
    'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
    'link', 'location', 'max-forwards', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'refresh',
    'retry-after', 'server', 'set-cookie', 'strict-transport-security', 'transfer-encoding', 'user-agent', 'vary',
    'via', 'www-authenticate',
  ].map((name) => [name, ''] as const),
];

/** staticIndex is the 1-based index of `name` with `value` (exact), else of `name` alone (negative), else 0. */
export function staticIndex(name: string, value: string): number {
  let nameOnly = 0;
  for (let i = 0; i < STATIC_TABLE.length; i += 1) {
    const [n, v] = STATIC_TABLE[i] as readonly [string, string];
    if (n !== name) continue;
    if (v === value) return i + 1;
    if (nameOnly === 0) nameOnly = -(i + 1);
  }
  return nameOnly;
}
