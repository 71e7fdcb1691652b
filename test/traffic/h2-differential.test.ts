// test-lane: heavy: per-stream fates against hostile servers and grpc-js, timing-sensitive
// The differential suite (issue 20): rollcheck's HTTP/2 client and a reference
// client meet the same hostile servers (h2-hostile.ts). The server's log says
// what it did to every stream; rollcheck must name that fate for each stream,
// on the stream id the server saw, and agree with @grpc/grpc-js on every call,
// where a call grpc-js retried by itself is one rollcheck counts as hidden by a
// standard client's retry (never ok). undici with allowH2 is the reference for
// h2 over TLS; where it departs from the server's log, the test says how.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { NEVER_PROCESSED_KINDS, type OutcomeKind } from '../../src/results/types.js';
import { driveH2, type Outcome } from './h2-drive.js';
import { startHostileServer, type Hostility, type ServerAction, type StreamLog } from './h2-hostile.js';
import { grpcJsCalls, undiciH2Calls, type RefOutcome } from './h2-reference.js';
import { makeTestCa } from './test-ca.js';

const N = 6;
const TIMEOUT_MS = 1500;

/** What rollcheck must call a stream the server treated so. */
const FATE: Record<ServerAction, OutcomeKind[]> = {
  answered: ['ok'],
  'closed-after-goaway': ['connection_closed'],
  'refused-by-goaway': ['goaway_refused'],
  refused: ['stream_refused'],
  cancelled: ['stream_reset'],
  held: ['connection_closed', 'reset'],
};

type Category = 'ok' | 'hidden' | 'failed';

function ours(o: Outcome): Category {
  if (o.kind === 'ok') return 'ok';
  return NEVER_PROCESSED_KINDS.has(o.kind) ? 'hidden' : 'failed';
}

/** theirs: a reference call that ended ok after the server saw it more than once was retried by the client itself. */
function theirs(o: RefOutcome, log: StreamLog[]): Category {
  if (!o.ok) return 'failed';
  return log.filter((l) => l.req === o.req).length > 1 ? 'hidden' : 'ok';
}

/** checkAgainstLog: every rollcheck outcome is the fate the server's log gives its stream, on that stream id. */
function checkAgainstLog(outcomes: Outcome[], log: StreamLog[]): void {
  assert.equal(outcomes.length, N);
  for (const o of outcomes) {
    const first = log.find((l) => l.req === o.req && l.conn === 1);
    assert.ok(first, `the server saw ${o.req}`);
    assert.equal(o.streamId, first.streamId, `${o.req}: the stream id the server saw`);
    assert.ok(FATE[first.action].includes(o.kind), `${o.req}: server ${first.action}, rollcheck ${o.kind} ${o.code ?? ''}`);
    assert.equal(o.connId, 'c1');
  }
}

const GRPC_CASES: Array<[Hostility, Partial<Record<ServerAction, string>>]> = [
  ['goaway-then-close', { 'closed-after-goaway': 'UNAVAILABLE' }],
  ['goaway-low', {}],
  ['refuse', {}],
  ['cancel-mid-body', { cancelled: 'CANCELLED' }],
];

for (const [hostility, codes] of GRPC_CASES) {
  test(`gRPC, ${hostility}: rollcheck names each stream's fate as the server's log does, and agrees with grpc-js`, async () => {
    const a = await startHostileServer({ hostility, streams: N, grpc: true });
    const b = await startHostileServer({ hostility, streams: N, grpc: true });
    try {
      const mine = await driveH2({ origin: `http://127.0.0.1:${a.port}`, calls: N, grpc: true, timeoutMs: TIMEOUT_MS });
      checkAgainstLog(mine.outcomes, a.log);
      const ref = await grpcJsCalls(b.port, N, TIMEOUT_MS);
      const actionOf = (log: StreamLog[], req: string): ServerAction => (log.find((l) => l.req === req && l.conn === 1) as StreamLog).action;
      const seen = (cats: Array<[ServerAction, Category]>): string[] => [...new Set(cats.map(([a2, c]) => `${a2}→${c}`))].sort();
      assert.deepEqual(
        seen(mine.outcomes.map((o) => [actionOf(a.log, o.req), ours(o)])),
        seen(ref.map((o) => [actionOf(b.log, o.req), theirs(o, b.log)])),
        'the same fate for the same server action',
      );
      for (const o of ref) {
        const want = codes[actionOf(b.log, o.req)];
        if (want !== undefined) assert.equal(o.code, want, `grpc-js on ${o.req}`);
      }
      // Never processed: hidden by a standard client's retry, and counted so by rollcheck, never as ok.
      const hidden = mine.outcomes.filter((o) => ours(o) === 'hidden').length;
      assert.equal(hidden, ref.filter((o) => theirs(o, b.log) === 'hidden').length);
      if (hostility !== 'cancel-mid-body') assert.ok(hidden > 0, 'the case has streams a standard client retries');
    } finally {
      await a.close();
      await b.close();
    }
  });
}

test('gRPC, a server that stops reading: every call times out, for rollcheck and for grpc-js', async () => {
  const a = await startHostileServer({ hostility: 'stop-reading', streams: N, grpc: true });
  const b = await startHostileServer({ hostility: 'stop-reading', streams: N, grpc: true });
  try {
    const mine = await driveH2({ origin: `http://127.0.0.1:${a.port}`, calls: N, grpc: true, timeoutMs: 800 });
    assert.deepEqual(new Set(mine.outcomes.map((o) => o.kind)), new Set(['timeout']));
    assert.deepEqual(new Set(mine.outcomes.map((o) => o.streamId)), new Set([1, 3, 5, 7, 9, 11]));
    const ref = await grpcJsCalls(b.port, N, 800);
    assert.deepEqual(new Set(ref.map((o) => o.code)), new Set(['DEADLINE_EXCEEDED']));
  } finally {
    await a.close();
    await b.close();
  }
});

test('the GOAWAY record: time, error code, last-stream-id, debug data, streams open; the pod from the first answer', async () => {
  const a = await startHostileServer({ hostility: 'goaway-low', streams: N });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${a.port}`, calls: N, timeoutMs: TIMEOUT_MS });
    const [conn] = r.connections;
    assert.equal(r.connections.length, 1);
    assert.ok(conn);
    assert.equal(conn.pod, 'hostile-1');
    assert.equal(conn.streams, N);
    assert.match(conn.peer ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(conn.goaways.length, 1);
    const g = conn.goaways[0];
    assert.deepEqual({ ...g, atMs: 0 }, { atMs: 0, errorCode: 'NO_ERROR', lastStreamId: 5, debugData: 'draining', streamsOpen: N });
    assert.ok(g !== undefined && g.atMs >= conn.openedAtMs && conn.closedAtMs !== undefined && g.atMs <= conn.closedAtMs);
  } finally {
    await a.close();
  }
});

for (const grpc of [false, true]) {
  test(`${grpc ? 'gRPC' : 'h2c'}, a server SIGKILLed with streams open: every stream dies with its connection, no GOAWAY${grpc ? ', as grpc-js sees it' : ''}`, async () => {
    const mine = await killedWhileHolding(grpc, async (port) => (await driveH2({ origin: `http://127.0.0.1:${port}`, calls: N, grpc, timeoutMs: 5000 })).outcomes);
    for (const o of mine) assert.ok(FATE.held.includes(o.kind), `${o.req}: ${o.kind} ${o.code ?? ''}`);
    assert.deepEqual(new Set(mine.map((o) => o.streamId)), new Set([1, 3, 5, 7, 9, 11]));
    if (!grpc) return;
    const ref = await killedWhileHolding(true, (port) => grpcJsCalls(port, N, 5000));
    assert.deepEqual(new Set(ref.map((o) => o.code)), new Set(['UNAVAILABLE']));
  });
}

/** killedWhileHolding starts the holding server in a child, runs `calls` against it, SIGKILLs the child once it holds every stream. */
async function killedWhileHolding<T>(grpc: boolean, calls: (port: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./h2-hostile-child.ts', import.meta.url).pathname, String(N), grpc ? 'grpc' : 'h2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    const lines = new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => void ((out += c.toString()), /port \d+/.test(out) && resolve())));
    await lines;
    const port = Number(/port (\d+)/.exec(out)?.[1]);
    const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
    const result = calls(port);
    await ready;
    child.kill('SIGKILL');
    return await result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
}

test('h2 over TLS: rollcheck against the log, and undici (allowH2) where it agrees and where it departs', async () => {
  const ca = makeTestCa('localhost');
  const cases: Hostility[] = ['goaway-then-close', 'goaway-low', 'refuse', 'cancel-mid-body'];
  for (const hostility of cases) {
    const a = await startHostileServer({ hostility, streams: N, tls: ca });
    const b = await startHostileServer({ hostility, streams: N, tls: ca });
    try {
      const mine = await driveH2({ origin: `https://localhost:${a.port}`, calls: N, caPem: ca.caPem, timeoutMs: TIMEOUT_MS });
      checkAgainstLog(mine.outcomes, a.log);
      const ref = await undiciH2Calls(b.port, N, ca.caPem, TIMEOUT_MS);
      ref.forEach((o, i) => {
        const action = (b.log.find((l) => l.conn === 1 && l.streamId === 2 * i + 1) as StreamLog).action;
        const why = `${hostility}, ${o.req}: server ${action}, undici ${o.ok ? 'ok' : o.code}`;
        if (hostility.startsWith('goaway')) {
          // undici closes the socket on any GOAWAY (client-h2.js), failing even the streams the server answered.
          assert.equal(o.ok, false, why);
        } else if (action === 'cancelled') {
          // undici takes a body cut by RST_STREAM CANCEL for a complete answer; rollcheck calls it stream_reset.
          assert.equal(o.ok, true, why);
        } else {
          // Agreement: answered is ok; a refused stream fails (undici retries nothing), which rollcheck counts as never processed.
          assert.equal(o.ok, action === 'answered', why);
        }
      });
    } finally {
      await a.close();
      await b.close();
    }
  }
});
