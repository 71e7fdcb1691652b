// test-lane: serial: timing-sensitive (each request's fate hangs on the client seeing a close before its next send)
// The lean client against undici (the reference): the same hostile servers,
// the same schedule, and every request must end the same way in both — kind,
// status, error code, pod, reused or new. One keep-alive connection and a slow
// rate make each request's fate depend only on its number, not on timing.
import assert from 'node:assert/strict';
import { failedOf } from './harness.js';
import { ok200, type RawRequest } from './raw-server.js';
import { differential, every3 } from './differential-kit.js';

/** resetMidHeaders answers, but every 3rd request gets half a header line and a reset. */
function resetMidHeaders({ n, socket }: RawRequest): void {
  if (!every3(n)) return void socket.write(ok200());
  socket.write('HTTP/1.1 200 OK\r\nx-pod-na');
  setImmediate(() => socket.resetAndDestroy());
}

differential({
  name: 'reset (RST) in the middle of the headers, every 3rd request',
  behaviour: resetMidHeaders,
  expect: (r) => assert.deepEqual(failedOf(r), { reset: 4 }),
});

differential({
  // Every request on its own connection: which one the server numbers 3rd cannot depend on
  // how two connects race, since all of them are alike (a mix of populations would).
  name: 'reset (RST) in the middle of the headers, every request on a fresh connection',
  settings: { freshPercent: 100 },
  behaviour: resetMidHeaders,
  expect: (r) => {
    assert.deepEqual(failedOf(r), { reset: 4 });
    assert.equal(r.totals.byPopulation.fresh.sent, 12);
  },
});

differential({
  name: 'reset (RST) in the middle of the body',
  behaviour: ({ n, socket }) => {
    if (!every3(n)) return void socket.write(ok200());
    socket.write('HTTP/1.1 200 OK\r\nx-pod-name: pod-b\r\ncontent-length: 100\r\n\r\npartial');
    setImmediate(() => socket.resetAndDestroy());
  },
  expect: (r) => {
    assert.deepEqual(failedOf(r), { reset: 4 });
    assert.ok(
      r.failures.every((f) => f.pod === 'pod-b'),
      'the pod that started answering',
    );
  },
});

differential({
  name: 'closed (FIN) in the middle of a keep-alive response body',
  behaviour: ({ n, socket }) => {
    if (!every3(n)) return void socket.write(ok200());
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
  },
  expect: (r) => assert.deepEqual(failedOf(r), { reset: 4 }),
});

differential({
  name: 'closed (FIN) in the middle of a "Connection: close" response body',
  behaviour: ({ n, socket }) => {
    if (!every3(n)) return void socket.write(ok200());
    socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 100\r\n\r\npartial');
  },
  // The response said it would end at the close, and the close came before its length.
  expect: (r) => {
    assert.deepEqual(failedOf(r), { other: 4 });
    assert.ok(r.failures.every((f) => f.errorCode === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'));
  },
});

differential({
  name: 'idle close racing a request: the server closes (FIN) a reused connection as the request arrives',
  behaviour: ({ onConn, socket }) => {
    if (onConn === 1) socket.write(ok200());
    else socket.end();
  },
  expect: (r) => {
    assert.deepEqual(failedOf(r), { closed_before_response: 6 });
    assert.ok(
      r.failures.every((f) => f.reused && f.pod === 'pod-a' && f.errorCode === 'UND_ERR_SOCKET'),
    );
  },
});

differential({
  name: 'idle close racing a request: the server resets (RST) a reused connection as the request arrives',
  behaviour: ({ onConn, socket }) => {
    if (onConn === 1) socket.write(ok200());
    else socket.resetAndDestroy();
  },
  expect: (r) => assert.deepEqual(failedOf(r), { closed_before_response: 6 }),
});

differential({
  name: 'idle close well before the next request: a new connection each time, nothing lost',
  settings: { ratePerSec: 10 },
  durationMs: 800,
  behaviour: ({ socket }) => {
    socket.write(ok200());
    setTimeout(() => socket.end(), 2);
  },
  expect: (r) => {
    assert.equal(r.totals.failed, 0);
    assert.equal(r.totals.byConn.reused.completed, 0);
  },
});

differential({
  name: 'chunked body with chunk extensions and trailers, split across writes at odd places',
  behaviour: ({ n, socket }) => {
    const whole =
      `HTTP/1.1 200 OK\r\nx-pod-name: pod-c\r\ntransfer-encoding: gzip, chunked\r\n\r\n` +
      `5;name=value;q="x y"\r\nhello\r\nA\r\n0123456789\r\n0;last\r\nx-trailer: t\r\nx-more: u\r\n\r\n`;
    const cut = [7 + (n % 5), 60 + (n % 13), 100 + (n % 7), whole.length];
    let at = 0;
    const next = (i: number): void => {
      const to = cut[i] as number;
      socket.write(whole.slice(at, to));
      at = to;
      if (i + 1 < cut.length) setTimeout(() => next(i + 1), 2);
    };
    next(0);
  },
  expect: (r, requests) => {
    assert.equal(r.totals.ok, requests);
    assert.equal(r.totals.byConn.reused.completed, requests - 1, 'one connection throughout');
  },
});

differential({
  name: '103 Early Hints, then the final 200',
  behaviour: ({ socket }) => {
    socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n');
    setTimeout(() => socket.write(ok200('pod-d')), 2);
  },
  expect: (r, requests) => assert.equal(r.totals.ok, requests),
});

differential({
  name: 'a stall past the timeout before the headers',
  settings: { ratePerSec: 10, connections: 10, timeoutMs: 250 },
  behaviour: () => undefined,
  expect: (r) => {
    assert.deepEqual(failedOf(r), { timeout: 6 });
    assert.ok(r.failures.every((f) => f.errorCode === 'UND_ERR_HEADERS_TIMEOUT'));
    assert.ok(
      r.failures.every((f) => f.latencyMs >= 249),
      'never early',
    );
  },
});

differential({
  name: 'a stall past the timeout in the middle of the body',
  settings: { ratePerSec: 10, connections: 10, timeoutMs: 250 },
  behaviour: ({ socket }) => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok'),
  expect: (r) => {
    assert.deepEqual(failedOf(r), { timeout: 6 });
    assert.ok(r.failures.every((f) => f.errorCode === 'UND_ERR_BODY_TIMEOUT' && f.status === 200));
  },
});

differential({
  name: 'garbage instead of a status line',
  behaviour: ({ n, socket }) => void socket.write(every3(n) ? 'HELLO THERE\r\n\r\n' : ok200()),
  expect: (r) => assert.deepEqual(failedOf(r), { other: 4 }),
});

differential({
  name: 'malformed headers: a bad Content-Length, a header without a colon',
  behaviour: ({ n, socket }) => {
    if (n % 4 === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\nok');
    else if (n % 4 === 2)
      socket.write('HTTP/1.1 200 OK\r\nno colon here\r\ncontent-length: 2\r\n\r\nok');
    else socket.write(ok200());
  },
  expect: (r) => assert.deepEqual(failedOf(r), { other: 6 }),
});

differential({
  name: '"Connection: close" on every answer: never reused, nothing lost',
  behaviour: ({ socket }) =>
    void socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok'),
  expect: (r, requests) => {
    assert.equal(r.totals.ok, requests);
    assert.equal(r.totals.byConn.reused.completed, 0);
  },
});

differential({
  name: 'a body that ends at the close (no length, not chunked)',
  behaviour: ({ socket }) =>
    void socket.end('HTTP/1.0 200 OK\r\nx-pod-name: pod-e\r\n\r\nthe body runs to the close'),
  expect: (r, requests) => assert.equal(r.totals.ok, requests),
});

differential({
  name: '204 and 304 carry no body',
  behaviour: ({ n, socket }) =>
    void socket.write(
      n % 2 === 0
        ? 'HTTP/1.1 204 No Content\r\nx-pod-name: pod-f\r\n\r\n'
        : 'HTTP/1.1 304 Not Modified\r\netag: "x"\r\n\r\n',
    ),
  expect: (r, requests) => {
    assert.equal(r.totals.ok, requests);
    assert.equal(r.totals.byConn.reused.completed, requests - 1, 'one connection throughout');
  },
});

differential({
  name: 'HEAD: a Content-Length and no body (undici closes after a HEAD, in case a body follows)',
  settings: { method: 'HEAD' },
  behaviour: ({ n, head, socket }) => {
    assert.match(head, /^HEAD \/ HTTP\/1\.1\r\n.*connection: close/s);
    const keep = n % 2 === 0 ? 'connection: keep-alive\r\n' : '';
    socket.write(`HTTP/1.1 200 OK\r\nx-pod-name: pod-g\r\n${keep}content-length: 1000\r\n\r\n`);
  },
  expect: (r, requests) => {
    assert.equal(r.totals.ok, requests);
    assert.equal(r.totals.byConn.reused.completed, 0, 'a new connection each time');
  },
});

differential({
  name: 'a pod header with blanks around its value: the same pod name in both clients',
  behaviour: ({ n, socket }) =>
    void socket.write(
      every3(n)
        ? 'HTTP/1.1 503 x\r\nx-pod-name:\tpod-b  \r\ncontent-length: 0\r\n\r\n'
        : 'HTTP/1.1 200 OK\r\nx-pod-name:  pod-a \t\r\ncontent-length: 2\r\n\r\nok',
    ),
  expect: (r) => {
    assert.deepEqual(failedOf(r), { http_5xx: 4 });
    assert.ok(r.failures.every((f) => f.pod === 'pod-b'));
  },
});

differential({
  name: '5xx and 4xx answers, each naming its pod',
  behaviour: ({ n, socket }) => {
    if (n % 3 === 0)
      socket.write('HTTP/1.1 503 Unavailable\r\nX-Pod-Name: pod-b\r\ncontent-length: 0\r\n\r\n');
    else if (n % 4 === 0) socket.write('HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\nno!');
    else socket.write(ok200());
  },
  expect: (r) => {
    assert.deepEqual(failedOf(r), { http_5xx: 4, http_4xx: 2 });
    assert.ok(r.failures.filter((f) => f.kind === 'http_5xx').every((f) => f.pod === 'pod-b'));
    // A 404 names no pod: the one last seen on its connection stands (request 4 follows
    // a 503 from pod-b, request 8 a 200 from pod-a).
    assert.deepEqual(
      r.failures.filter((f) => f.kind === 'http_4xx').map((f) => f.pod),
      ['pod-b', 'pod-a'],
    );
  },
});
