// test-lane: serial: timing-sensitive (each request's fate hangs on the client seeing a close before its next send)
// The lean client against undici (the reference): the same hostile servers,
// the same schedule, and every request must end the same way in both — kind,
// status, error code, pod, reused or new. One keep-alive connection and a slow
// rate make each request's fate depend only on its number, not on timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Results } from '../../src/results/types.js';
import type { TrafficSettings } from '../../src/traffic/settings.js';
import { failedOf, freePort, runTraffic, settingsFor } from './harness.js';
import { ok200, startRawServer, type RawRequest, type RawServer, type RawTls } from './raw-server.js';
import { makeTestCa, type TestCa } from './test-ca.js';
import { skipUnless } from '../tools.js';

const CLIENTS = ['undici', 'lean'] as const;
type ClientName = (typeof CLIENTS)[number];

/** Case is one hostile server and what both clients must see from it. */
interface Case {
  name: string;
  behaviour: (req: RawRequest) => void;
  settings?: Partial<TrafficSettings>;
  /** tls makes the server speak HTTPS with this key and certificate. */
  tls?: () => RawTls;
  /** target gives the URL and settings that depend on the server (its port): --resolve, a name. */
  target?: (server: RawServer) => { url: string; settings?: Partial<TrafficSettings> };
  skip?: string | false;
  durationMs?: number;
  /** expect checks one run (each client's) against what the server did. */
  expect(r: Results, requests: number): void;
}

/** Outcome is what must match between the clients, request by request. */
function outcomes(r: Results): string[] {
  return [...r.failures]
    .sort((a, b) => a.intendedAtMs - b.intendedAtMs)
    .map(
      (f) =>
        `${f.kind} ${f.errorCode ?? '-'} status ${f.status ?? '-'} ${f.reused ? 'reused' : 'new'} ${f.population} pod ${f.pod ?? '-'}` +
        ` ${f.method ?? '-'} by ${f.answeredBy ?? '-'} server ${f.server ?? '-'} via ${f.via ?? '-'} upstream ${f.upstream ?? '-'}`,
    );
}

function summary(r: Results): Record<string, unknown> {
  const t = r.totals;
  return {
    sent: t.sent,
    ok: t.ok,
    inFlightAtStop: t.inFlightAtStop,
    failed: failedOf(r),
    okByPod: Object.fromEntries(
      Object.entries(
        r.intervals.reduce<Record<string, number>>((acc, i) => {
          for (const [pod, n] of Object.entries(i.okByPod)) acc[pod] = (acc[pod] ?? 0) + n;
          return acc;
        }, {}),
      ).sort(),
    ),
    reusedCompleted: t.byConn.reused.completed,
    byMethod: t.byMethod,
    savedByRetry: t.savedByRetry,
    retried: (r.retried ?? []).map((x) => `${x.method} ${x.upstream} ${x.status} ${x.population}`),
    failures: outcomes(r),
  };
}

async function runWith(c: Case, client: ClientName): Promise<[Results, number]> {
  const server = await startRawServer(c.behaviour, c.tls?.());
  try {
    const target = c.target?.(server);
    const settings = settingsFor({ ratePerSec: 20, connections: 1, ...c.settings, ...target?.settings, client });
    const r = await runTraffic(target?.url ?? server.url, settings, {
      durationMs: c.durationMs ?? 600,
      drainMs: 3000,
    });
    return [r, server.requests];
  } finally {
    await server.close();
  }
}

function differential(c: Case): void {
  test(`differential: ${c.name}`, { skip: c.skip ?? false }, async () => {
    const got: Partial<Record<ClientName, Record<string, unknown>>> = {};
    for (const client of CLIENTS) {
      const [r, requests] = await runWith(c, client);
      const t = r.totals;
      assert.equal(
        t.sent,
        t.ok + t.failed + t.inFlightAtStop,
        `${client}: every request accounted`,
      );
      c.expect(r, requests);
      got[client] = summary(r);
    }
    assert.deepEqual(got.lean, got.undici, 'lean and undici: the same outcome for every request');
  });
}

const every3 = (n: number): boolean => n % 3 === 0;

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

// --- Front doors (issue 12): who answered, the request mix, retries a proxy hid, HTTPS. ---

const NGINX_502_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
const TRIED = 'x-upstream-addr: 10.1.0.7:8080, 10.1.0.8:8080\r\n';

/** nginx502 is nginx's own 502 (no pod header, its error page), chunked in two pieces and split across writes when `chunked`. */
function nginx502(socket: RawRequest['socket'], chunked: boolean): void {
  const head = `HTTP/1.1 502 Bad Gateway\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n${TRIED}`;
  if (!chunked) return void socket.write(`${head}Content-Length: ${NGINX_502_PAGE.length}\r\n\r\n${NGINX_502_PAGE}`);
  const a = NGINX_502_PAGE.slice(0, 40);
  const b = NGINX_502_PAGE.slice(40);
  const whole = `${head}Transfer-Encoding: chunked\r\n\r\n${a.length.toString(16)}\r\n${a}\r\n${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`;
  socket.write(whole.slice(0, head.length + 60));
  setTimeout(() => socket.write(whole.slice(head.length + 60)), 2);
}

/** okVia is an answer from pod-a through the proxy: after a retry of another upstream when `retried`. */
function okVia(socket: RawRequest['socket'], retried: boolean): void {
  const upstream = retried ? TRIED : 'x-upstream-addr: 10.1.0.8:8080\r\n';
  socket.write(`HTTP/1.1 200 OK\r\nserver: nginx\r\nx-pod-name: pod-a\r\n${upstream}content-length: 2\r\n\r\nok`);
}

differential({
  name: "a 502 nginx wrote itself (its error page, no pod header), and successes a retry saved",
  behaviour: ({ n, socket }) => {
    if (every3(n)) nginx502(socket, n % 2 === 0);
    else okVia(socket, n % 4 === 0);
  },
  expect: (r) => {
    assert.deepEqual(failedOf(r), { http_5xx: 4 });
    for (const f of r.failures) {
      assert.equal(f.answeredBy, 'nginx');
      assert.equal(f.pod, undefined, "a proxy's answer names no pod");
      assert.equal(f.server, 'nginx/1.22.1');
      assert.equal(f.upstream, '10.1.0.7:8080, 10.1.0.8:8080');
    }
    // Requests 4 and 8 were saved by a retry (12 is a 502).
    assert.equal(r.totals.savedByRetry, 2);
  },
});

differential({
  name: "503s with server: envoy (envoy's body; the header alone), and a 503 the app wrote behind envoy",
  behaviour: ({ n, socket }) => {
    if (every3(n))
      socket.write('HTTP/1.1 503 Service Unavailable\r\nserver: envoy\r\ncontent-type: text/plain\r\ncontent-length: 19\r\n\r\nno healthy upstream');
    else if (n % 4 === 0)
      // Blanks around a value, and a second via: the last one counts (both clients alike).
      socket.write('HTTP/1.1 503 Service Unavailable\r\nserver:envoy \r\nvia: 1.0 edge\r\nvia:  1.1 envoy \t\r\ncontent-length: 0\r\n\r\n');
    else if (n % 5 === 0)
      socket.write('HTTP/1.1 503 Service Unavailable\r\nserver: envoy\r\nx-pod-name: pod-b\r\ncontent-length: 8\r\n\r\ndraining');
    else socket.write(ok200());
  },
  expect: (r) => {
    assert.deepEqual(failedOf(r), { http_5xx: 8 });
    const by = r.failures.map((f) => `${f.answeredBy} ${f.pod ?? '-'}`).sort();
    assert.deepEqual(by, ['app pod-b', 'app pod-b', ...Array<string>(6).fill('envoy -')]);
  },
});

const mixHeads: string[] = [];

differential({
  name: 'a mix of GET and POST (each its own path): POSTs get the 502, GETs are saved by retries',
  settings: { mix: [{ method: 'GET', weight: 3 }, { method: 'POST', weight: 1, path: '/orders' }] },
  behaviour: ({ head, socket }) => {
    const line = head.split('\r\n')[0] as string;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '-';
    mixHeads.push(`${line} length ${length}`);
    if (line.startsWith('POST')) nginx502(socket, false);
    else okVia(socket, mixHeads.length % 2 === 0);
  },
  expect: (r, requests) => {
    const heads = mixHeads.splice(0);
    assert.equal(heads.length, requests);
    assert.deepEqual(
      [...new Set(heads)].sort(),
      ['GET / HTTP/1.1 length -', 'POST /orders HTTP/1.1 length 0'],
    );
    assert.deepEqual(r.totals.byMethod, { GET: { ok: 9, failed: 0 }, POST: { ok: 0, failed: 3 } });
    assert.ok(r.failures.every((f) => f.method === 'POST' && f.answeredBy === 'nginx'));
    assert.ok((r.retried ?? []).every((x) => x.method === 'GET'));
  },
});

const FRONT_DOOR_NAME = 'shop.rollcheck.test';
let ca: TestCa | undefined;
const testCa = (): TestCa => (ca ??= makeTestCa(FRONT_DOOR_NAME));
const hasOpenssl = skipUnless('openssl');
const tlsSeen: string[] = [];

differential({
  name: "HTTPS with a CA the test made, --resolve NAME:PORT:127.0.0.1: SNI and Host carry the name; the app's 503s",
  skip: hasOpenssl,
  tls: () => ({ key: testCa().key, cert: testCa().cert }),
  target: (server) => ({
    url: `https://${FRONT_DOOR_NAME}:${server.port}/`,
    settings: {
      tls: { insecure: false, caPem: testCa().caPem },
      resolve: { host: FRONT_DOOR_NAME, port: server.port, addr: '127.0.0.1' },
    },
  }),
  behaviour: ({ n, head, servername, socket }) => {
    const host = /\r\nhost: *([^\r]+)/i.exec(head)?.[1] ?? '-';
    tlsSeen.push(`sni ${servername ?? '-'} host ${host.replace(/:\d+$/, ':PORT')}`);
    socket.write(every3(n) ? 'HTTP/1.1 503 x\r\nx-pod-name: pod-b\r\ncontent-length: 0\r\n\r\n' : ok200());
  },
  expect: (r, requests) => {
    const seen = tlsSeen.splice(0);
    assert.equal(seen.length, requests);
    assert.deepEqual([...new Set(seen)], [`sni ${FRONT_DOOR_NAME} host ${FRONT_DOOR_NAME}:PORT`]);
    assert.deepEqual(failedOf(r), { http_5xx: 4 });
    assert.ok(r.failures.every((f) => f.answeredBy === 'app' && f.pod === 'pod-b'));
  },
});

const plainSeen: string[] = [];

differential({
  name: 'plain HTTP with --resolve NAME:PORT:127.0.0.1: the name, never resolved, is the Host',
  target: (server) => ({
    url: `http://${FRONT_DOOR_NAME}:${server.port}/`,
    settings: { resolve: { host: FRONT_DOOR_NAME, port: server.port, addr: '127.0.0.1' } },
  }),
  behaviour: ({ head, socket }) => {
    plainSeen.push((/\r\nhost: *([^\r]+)/i.exec(head)?.[1] ?? '-').replace(/:\d+$/, ':PORT'));
    socket.write(ok200());
  },
  expect: (r, requests) => {
    assert.deepEqual([...new Set(plainSeen.splice(0))], [`${FRONT_DOOR_NAME}:PORT`]);
    assert.equal(r.totals.ok, requests);
  },
});

// A known difference, pinned: a certificate that does not name the host. The lean client fails every
// request with ERR_TLS_CERT_ALTNAME_INVALID; undici 7 (client.js, handleConnectError) fails the first and
// then sends nothing more on that Client, so the rest stay in flight until the stop. A real run never gets
// there: the pre-flight's one-line error stops it before any traffic.
test('known difference: HTTPS with a name the certificate does not hold fails every request for lean, the first for undici', { skip: hasOpenssl }, async () => {
  const c: Case = {
    name: 'altname',
    tls: () => ({ key: testCa().key, cert: testCa().cert }),
    target: (server) => ({
      url: `https://localhost:${server.port}/`,
      settings: {
        tls: { insecure: false, caPem: testCa().caPem },
        resolve: { host: 'localhost', port: server.port, addr: '127.0.0.1' },
      },
    }),
    behaviour: ({ socket }) => void socket.write(ok200()),
    expect: () => undefined,
  };
  const [undici, undiciRequests] = await runWith(c, 'undici');
  const [lean, leanRequests] = await runWith(c, 'lean');
  assert.equal(undiciRequests + leanRequests, 0, 'nothing reached the server');
  for (const r of [undici, lean]) {
    assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop);
    assert.ok(r.failures.every((f) => f.kind === 'other' && f.errorCode === 'ERR_TLS_CERT_ALTNAME_INVALID'));
  }
  assert.equal(lean.totals.failed, lean.totals.sent);
  assert.equal(undici.totals.failed, 1);
});

differential({
  name: 'HTTPS whose CA nobody trusts: every request fails the same way, nothing reaches the server',
  skip: hasOpenssl,
  settings: { freshPercent: 50 },
  tls: () => ({ key: testCa().key, cert: testCa().cert }),
  behaviour: ({ socket }) => void socket.write(ok200()),
  expect: (r, requests) => {
    assert.equal(requests, 0);
    assert.equal(r.totals.failed, r.totals.sent);
    assert.ok(r.failures.every((f) => f.errorCode === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), JSON.stringify(r.failures[0]));
  },
});

differential({
  name: 'HTTPS with --insecure: the same untrusted certificate, every request answered',
  skip: hasOpenssl,
  settings: { tls: { insecure: true } },
  tls: () => ({ key: testCa().key, cert: testCa().cert }),
  behaviour: ({ socket }) => void socket.write(ok200()),
  expect: (r, requests) => {
    assert.equal(r.totals.ok, requests);
    assert.equal(r.totals.byConn.reused.completed, requests - 1, 'one connection throughout');
  },
});

test('differential: nothing listening, every request refused', async () => {
  const port = await freePort();
  const got: Partial<Record<ClientName, Record<string, unknown>>> = {};
  for (const client of CLIENTS) {
    const r = await runTraffic(
      `http://127.0.0.1:${port}/`,
      settingsFor({ ratePerSec: 20, connections: 1, freshPercent: 50, client }),
      { durationMs: 600 },
    );
    assert.deepEqual(failedOf(r), { refused: 12 });
    got[client] = summary(r);
  }
  assert.deepEqual(got.lean, got.undici);
});

// Where undici fails a valid response, lean follows the RFC; each difference is pinned here.
const KNOWN_DIFFERENCES: Array<{ name: string; behaviour: Case['behaviour']; undici: object }> = [
  {
    // RFC 9110 §15.2: a client must parse 1xx responses it did not expect; undici calls it "bad response".
    name: 'an unsolicited 100 Continue before the 200',
    behaviour: ({ socket }) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      setTimeout(() => socket.write(ok200()), 2);
    },
    undici: { reset: 12 },
  },
  {
    // RFC 9110 §8.6: a 304 (or 204) may carry a Content-Length and never has a body; undici counts
    // the missing body as a length mismatch.
    name: 'a 304 with the Content-Length of the representation it stands for',
    behaviour: ({ socket }) =>
      void socket.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 50\r\n\r\n'),
    undici: { other: 12 },
  },
];

for (const d of KNOWN_DIFFERENCES) {
  test(`known difference: ${d.name} is ok for lean, a failure for undici`, async () => {
    const c: Case = { name: d.name, behaviour: d.behaviour, expect: () => undefined };
    const [undici] = await runWith(c, 'undici');
    const [lean, requests] = await runWith(c, 'lean');
    assert.deepEqual(failedOf(undici), d.undici);
    assert.equal(lean.totals.ok, requests);
    assert.equal(lean.totals.failed, 0);
  });
}
