// test-lane: slow: seconds of real HTTP/2 traffic against a server that GOAWAYs and drops its connections
// Connection records from a real run: a node:http2 server answers on h2c, then
// closes its connections gracefully (GOAWAY, streams finish) and later destroys
// them with streams open. The results keep every keep-alive connection and the
// fresh ones that met either, count the other fresh ones, and agree with what
// the server saw and with the failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { validateResults } from '../../src/results/validate.js';
import type { Results } from '../../src/results/types.js';
import { runTraffic, settingsFor } from './harness.js';

/** H2Server is a node:http2 h2c server that answers each stream after `delayMs` and counts its sessions. */
export interface H2Server {
  url: string;
  sessions: Set<Http2Session>;
  /** sockets are its open TCP connections (destroying one sends no GOAWAY). */
  sockets: Set<Socket>;
  /** accepted counts the sessions it ever had. */
  accepted(): number;
  close(): Promise<void>;
}

/** startH2Server starts it on 127.0.0.1, port 0, naming itself `pod` in x-pod-name. */
export async function startH2Server(pod: string, delayMs: number): Promise<H2Server> {
  const server = createServer();
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (s) => {
    accepted += 1;
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    stream.on('error', () => undefined);
    setTimeout(() => {
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': 200, 'x-pod-name': pod });
      stream.end('ok');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sessions,
    sockets,
    accepted: () => accepted,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function runAgainstShutdowns(workers: number): Promise<{ r: Results; server: H2Server; closedAtMs: number; destroyedAtMs: number }> {
  const server = await startH2Server('pod-h2', 40);
  let closedAtMs = 0;
  let destroyedAtMs = 0;
  try {
    const r = await runTraffic(server.url, settingsFor({ protocol: 'h2c', ratePerSec: 200, connections: 2, freshPercent: 20, timeoutMs: 3000, workers }), {
      durationMs: 2400,
      during: async (clock) => {
        await new Promise((res) => setTimeout(res, 700));
        // A graceful close: GOAWAY, the open streams finish, the client opens new connections.
        closedAtMs = clock.nowMs();
        for (const s of server.sessions) s.close();
        await new Promise((res) => setTimeout(res, 700));
        // An abrupt one: every socket destroyed with its streams open, no GOAWAY (a session's destroy would send one).
        destroyedAtMs = clock.nowMs();
        for (const s of server.sockets) s.destroy();
      },
    });
    return { r, server, closedAtMs, destroyedAtMs };
  } finally {
    await server.close();
  }
}

function checkRecords(r: Results, accepted: number, closedAtMs: number, destroyedAtMs: number): void {
  assert.equal(validateResults(JSON.parse(JSON.stringify(r))), null);
  const conns = r.connections ?? [];
  const totals = r.totals.connections;
  assert.ok(totals, 'totals.connections is set');
  assert.equal(totals.kept, conns.length);
  // Every session the server accepted is a record or a counted fresh connection.
  assert.equal(totals.kept + totals.freshOmitted, accepted, `kept ${totals.kept} + omitted ${totals.freshOmitted} = the server's ${accepted} sessions`);
  assert.ok(totals.freshOmitted > 0, 'fresh connections that closed cleanly are only counted');
  assert.deepEqual(Object.keys(totals.freshOmittedByPod), ['pod-h2']);
  const keepalive = conns.filter((c) => c.population === 'keepalive');
  assert.ok(keepalive.length >= 4, `the keep-alive connections before and after each close (${keepalive.length})`);
  const graceful = conns.filter((c) => c.goaways.length > 0);
  assert.ok(graceful.length >= 2, 'the graceful close reached every open connection as a GOAWAY');
  for (const c of graceful) {
    const g = c.goaways[0]!;
    assert.equal(g.errorCode, 'NO_ERROR');
    assert.ok(g.atMs >= closedAtMs, `GOAWAY at ${g.atMs}, after the close at ${closedAtMs}`);
    assert.ok(c.closedAtMs !== undefined && c.closedAtMs >= g.atMs);
  }
  const cut = conns.filter((c) => (c.streamsOpenAtClose ?? 0) > 0);
  assert.ok(cut.length >= 1, 'the abrupt close cut streams');
  for (const c of cut) {
    assert.ok(c.closedAtMs !== undefined && c.closedAtMs >= destroyedAtMs, `${c.connId} closed at ${c.closedAtMs}, the sockets went at ${destroyedAtMs}`);
  }
  // The streams cut are the failures of those connections, each on a record.
  const cutFailures = r.failures.filter((f) => f.kind === 'connection_closed' || f.kind === 'reset');
  const kinds = r.failures.map((f) => `${f.kind}:${f.errorCode ?? ''}`);
  // Besides the streams the abrupt close cut, a stream may cross the graceful close's GOAWAY (refused, never processed).
  const crossed = r.failures.filter((f) => f.kind === 'goaway_refused' || f.kind === 'stream_refused');
  assert.equal(cutFailures.length + crossed.length, r.totals.failed, kinds.join(', '));
  assert.equal(cut.reduce((a, c) => a + (c.streamsOpenAtClose ?? 0), 0), cutFailures.length);
  const ids = new Set(conns.map((c) => c.connId));
  for (const f of r.failures) {
    assert.ok(ids.has(f.connId), `failure on ${f.connId} has its connection record`);
    assert.ok((f.streamId ?? 0) > 0, 'a failed stream keeps its stream id');
  }
  for (const c of conns) {
    // A connection whose every stream was cut before an answer is pinned to its peer address.
    assert.ok(c.pod === 'pod-h2' || c.pod === c.peer, `${c.connId} on ${c.pod}`);
    assert.ok(c.streams >= 1, `${c.connId} carried streams`);
    assert.ok(c.openedAtMs >= 0 && c.openedAtMs <= (c.closedAtMs ?? Infinity));
  }
  const carried = conns.reduce((a, c) => a + c.streams, 0) + totals.freshOmitted;
  assert.equal(carried, r.totals.sent - r.totals.inFlightAtStop, 'every stream sent is on a record or a counted fresh connection');
}

test('h2c: connection records from a graceful then an abrupt server close, in one engine', async () => {
  const { r, server, closedAtMs, destroyedAtMs } = await runAgainstShutdowns(1);
  checkRecords(r, server.accepted(), closedAtMs, destroyedAtMs);
});

test('h2c: the same records through two worker threads', async () => {
  const { r, server, closedAtMs, destroyedAtMs } = await runAgainstShutdowns(2);
  checkRecords(r, server.accepted(), closedAtMs, destroyedAtMs);
  const sources = new Set((r.connections ?? []).map((c) => c.connId.split(':')[0]));
  assert.deepEqual([...sources].sort(), ['w0', 'w1']);
});
