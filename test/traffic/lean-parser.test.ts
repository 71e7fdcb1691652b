import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ParserSink } from '../../src/traffic/lean-parser.js';

/** events parses `response` delivered in pieces cut at `cuts`, each piece in a reused read buffer. */
function events(response: string, cuts: number[], head = false): string[] {
  const out: string[] = [];
  const sink: ParserSink = {
    headers: (status, buf, s, e) =>
      void out.push(`headers ${status} pod=${s < 0 ? '-' : buf.toString('latin1', s, e)}`),
    complete: (keepAlive, ms) => void out.push(`complete keepAlive=${keepAlive} ${ms}`),
    fail: (code) => void out.push(`fail ${code}`),
    body: () => undefined,
  };
  const p = new ResponseParser(sink, Buffer.from('x-pod-name'));
  p.begin(head);
  const bytes = Buffer.from(response, 'latin1');
  // One buffer for every read, overwritten each time, as the lean client's onread buffer is.
  const shared = Buffer.alloc(bytes.length + 16, 0x7e);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= at) continue;
    shared.fill(0x7e);
    bytes.copy(shared, 0, at, cut);
    p.execute(shared, 0, cut - at);
    at = cut;
  }
  if (p.waiting) p.eof();
  return out;
}

const RESPONSES: Array<[string, string, string[]]> = [
  [
    'content-length with a pod and a keep-alive hint',
    'HTTP/1.1 200 OK\r\nX-Pod-Name:  pod-1 \r\nKeep-Alive: timeout=5\r\ncontent-length: 5\r\n\r\nhello',
    ['headers 200 pod=pod-1', 'complete keepAlive=true 5000'],
  ],
  [
    'chunked with extensions and trailers',
    'HTTP/1.1 503 x\r\ntransfer-encoding: chunked\r\nx-pod-name: p\r\n\r\n3;a=b\r\nabc\r\n10\r\n0123456789abcdef\r\n0;z\r\nt: 1\r\n\r\n',
    ['headers 503 pod=p', 'complete keepAlive=true -1'],
  ],
  [
    'two 1xx, then the final answer that closes',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nx-pod-name: early\r\n\r\nHTTP/1.1 204 No\r\nConnection: close\r\n\r\n',
    ['headers 204 pod=-', 'complete keepAlive=false -1'],
  ],
  [
    'HTTP/1.0 body to the close',
    'HTTP/1.0 200 OK\r\nx-pod-name: old\r\n\r\nall of it',
    ['headers 200 pod=old', 'complete keepAlive=false -1'],
  ],
  ['garbage', 'SSH-2.0-OpenSSH\r\n\r\n', ['fail HPE_INVALID_CONSTANT']],
  [
    'a chunk size that is not hex',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    ['headers 200 pod=-', 'fail HPE_INVALID_CHUNK_SIZE'],
  ],
  [
    'cut short under a Content-Length',
    'HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nabc',
    ['headers 200 pod=-', 'fail UND_ERR_RES_CONTENT_LENGTH_MISMATCH'],
  ],
];

test('the lean parser gives the same events however the bytes are split across reads', () => {
  for (const [name, response, want] of RESPONSES) {
    assert.deepEqual(events(response, []), want, `${name}: whole`);
    const every = Array.from({ length: response.length }, (_, i) => i + 1);
    assert.deepEqual(events(response, every), want, `${name}: byte by byte`);
    for (let seed = 1; seed < 40; seed += 1) {
      const cuts = [(seed * 7) % response.length, (seed * 13) % response.length].sort(
        (a, b) => a - b,
      );
      assert.deepEqual(events(response, cuts), want, `${name}: cut at ${cuts.join(', ')}`);
    }
  }
});

test('a HEAD response has no body, whatever its Content-Length says', () => {
  assert.deepEqual(events('HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n', [], true), [
    'headers 200 pod=-',
    'complete keepAlive=true -1',
  ]);
});

/** frontDoor parses `response` cut at every byte and says what the who-answered fields read, sniffing `want` body bytes. */
function frontDoor(response: string, want: number): string {
  let parser: ResponseParser | null = null;
  let body = '';
  let said = '';
  const sink: ParserSink = {
    headers: (status) => {
      const p = parser as ResponseParser;
      said = `${status} server=${p.server ?? '-'} via=${p.via ?? '-'} upstream=${p.upstream ?? '-'}`;
      p.sniffLeft = want;
    },
    complete: () => undefined,
    fail: (code) => void (said += ` fail ${code}`),
    body: (buf, s, e) => void (body += buf.toString('latin1', s, e)),
  };
  parser = new ResponseParser(sink, Buffer.from('x-pod-name'), Buffer.from('x-upstream-addr'));
  parser.begin(false);
  const bytes = Buffer.from(response, 'latin1');
  // One byte per read in a reused buffer: every value must be read out before the next read.
  const shared = Buffer.alloc(1);
  for (let i = 0; i < bytes.length; i += 1) {
    shared[0] = bytes[i] as number;
    parser.execute(shared, 0, 1);
  }
  if (parser.waiting) parser.eof();
  return `${said} body=${JSON.stringify(body)}`;
}

test('lean parser: who answered — server, via and the upstream list of a failure; a chunked body sniffed up to its limit', () => {
  assert.equal(
    frontDoor('HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nVia: 1.1 google\r\nX-Upstream-Addr: 10.0.0.1:80, 10.0.0.2:80\r\ntransfer-encoding: chunked\r\n\r\n5\r\n<html\r\n9\r\n><center>\r\n0\r\n\r\n', 10),
    '502 server=nginx via=1.1 google upstream=10.0.0.1:80, 10.0.0.2:80 body="<html><cen"',
  );
});

test('lean parser: a success keeps only an upstream list (a retry), never server or via', () => {
  assert.equal(
    frontDoor('HTTP/1.1 200 OK\r\nserver: nginx\r\nx-upstream-addr: 10.0.0.1:80\r\ncontent-length: 2\r\n\r\nok', 0),
    '200 server=- via=- upstream=- body=""',
  );
  assert.equal(
    frontDoor('HTTP/1.1 200 OK\r\nx-upstream-addr: 10.0.0.1:80, 10.0.0.2:80\r\ncontent-length: 2\r\n\r\nok', 0),
    '200 server=- via=- upstream=10.0.0.1:80, 10.0.0.2:80 body=""',
  );
});

test('lean parser: a body to the close is sniffed too', () => {
  assert.equal(frontDoor('HTTP/1.0 503 x\r\nserver: envoy\r\n\r\nno healthy upstream', 1024), '503 server=envoy via=- upstream=- body="no healthy upstream"');
});
