// test-lane: slow: real sockets and scripted HTTP/2 servers
// The lean HTTP/2 client's frame layer over real sockets, against a server
// that writes frames by hand (h2-raw-server.ts): answers dribbled a few bytes
// per write with padding, priority fields, CONTINUATION and HPACK's dynamic
// table; a small flow-control window the request bodies must respect; the
// client's own opening (preface, settings, window), PING acks, 1xx answers and
// bodies past the default window; and servers that break the protocol, which
// the client must end with a GOAWAY naming the error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { HpackDecoder } from '../../src/traffic/h2/hpack-decoder.js';
import { driveH2 } from './h2-drive.js';
import { frame, hpack } from './h2-hostile.js';
import { startRawServer, type ClientFrame } from './h2-raw-server.js';

const T = { DATA: 0, HEADERS: 1, RST: 3, SETTINGS: 4, PUSH: 5, PING: 6, GOAWAY: 7, WINDOW: 8, CONT: 9 } as const;

/** dribbler writes each socket's bytes a few at a time, one write per turn of the event loop, in order. */
function dribbler(step: number): (socket: Socket, bytes: Buffer) => void {
  const queues = new WeakMap<Socket, Buffer[]>();
  return (socket, bytes) => {
    const q = queues.get(socket);
    if (q !== undefined) return void q.push(bytes);
    const queue = [bytes];
    queues.set(socket, queue);
    const pump = (): void => {
      const head = queue[0];
      if (head === undefined) return void queues.delete(socket);
      socket.write(head.subarray(0, step));
      if (head.length > step) queue[0] = head.subarray(step);
      else queue.shift();
      setImmediate(pump);
    };
    pump();
  };
}

test('answers in pieces: padding, priority fields, CONTINUATION, the dynamic table, a few bytes per write', async () => {
  const dribble = dribbler(3);
  const indexed = new WeakSet<Socket>();
  const server = await startRawServer({
    request(socket, req) {
      // The first answer on a connection enters x-pod-name into the table; the rest name it by index 62.
      const block = indexed.has(socket) ? Buffer.from([0x88, 0xbe]) : Buffer.concat([Buffer.from([0x88, 0x40, 10]), Buffer.from('x-pod-name'), Buffer.from([5]), Buffer.from('pod-a')]);
      indexed.add(socket);
      const cut = Math.ceil(block.length / 2);
      const padded = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 16]), block.subarray(0, cut), Buffer.alloc(3)]);
      dribble(socket, Buffer.concat([
        frame(T.HEADERS, 0x08 | 0x20, req.streamId, padded),
        frame(T.CONT, 0x4, req.streamId, block.subarray(cut)),
        frame(T.DATA, 0x08 | 0x1, req.streamId, Buffer.from([2, 0x6f, 0x6b, 0, 0])),
      ]));
    },
  });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 6 });
    assert.deepEqual(r.outcomes.map((o) => `${o.kind}:${o.pod ?? ''}`), Array(6).fill('ok:pod-a'));
    assert.deepEqual(r.outcomes.map((o) => o.streamId), [1, 3, 5, 7, 9, 11]);
    assert.equal(r.connections[0]?.pod, 'pod-a');
  } finally {
    await server.close();
  }
});

test("request bodies keep within the server's flow-control windows, and go on as it opens them", async () => {
  const WINDOW = 10;
  const windows = new Map<number, number>();
  let conn = 65_535;
  const problems: string[] = [];
  const dataFrames = new Map<number, number>();
  const settings = Buffer.alloc(6);
  settings.writeUInt16BE(4, 0);
  settings.writeUInt32BE(WINDOW, 2);
  const server = await startRawServer({
    settings,
    frame(socket, f) {
      if (f.type !== T.DATA) return;
      const n = f.payload.length;
      const w = windows.get(f.streamId) ?? WINDOW;
      if (n > w || n > conn) problems.push(`stream ${f.streamId}: ${n} octets with ${w} open`);
      windows.set(f.streamId, w - n);
      conn -= n;
      dataFrames.set(f.streamId, (dataFrames.get(f.streamId) ?? 0) + 1);
      if (n === 0) return;
      // Open both windows again by what was used, after a moment.
      const up = (id: number): Buffer => { const p = Buffer.alloc(4); p.writeUInt32BE(n, 0); return frame(T.WINDOW, 0, id, p); };
      setTimeout(() => {
        windows.set(f.streamId, (windows.get(f.streamId) ?? 0) + n);
        conn += n;
        socket.write(Buffer.concat([up(f.streamId), up(0)]));
      }, 2);
    },
    request(socket, req) {
      socket.write(Buffer.concat([frame(T.HEADERS, 0x4, req.streamId, hpack([[':status', '200']])), frame(T.DATA, 0x1, req.streamId, req.body.subarray(0, 6))]));
    },
  });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 3, bodyBytes: 45 });
    assert.deepEqual(r.outcomes.map((o) => o.kind), ['ok', 'ok', 'ok']);
    assert.deepEqual(problems, []);
    for (const id of [1, 3, 5]) assert.ok((dataFrames.get(id) ?? 0) >= 5, `stream ${id} sent its 45 octets in ${dataFrames.get(id)} frames of at most 10`);
  } finally {
    await server.close();
  }
});

test('the opening (preface, settings, a large window), PING acked, a 1xx before the answer, a body past the default window', async () => {
  const BODY = 300 * 1024;
  const server = await startRawServer({
    connected: (socket) => void socket.write(frame(T.PING, 0, 0, Buffer.from('rollchk!'))),
    request(socket, req) {
      const parts = [frame(T.HEADERS, 0x4, req.streamId, hpack([[':status', '100']])), frame(T.HEADERS, 0x4, req.streamId, hpack([[':status', '200']]))];
      for (let sent = 0; sent < BODY; sent += 16_384) parts.push(frame(T.DATA, sent + 16_384 >= BODY ? 0x1 : 0, req.streamId, Buffer.alloc(Math.min(16_384, BODY - sent), 0x61)));
      socket.write(Buffer.concat(parts));
    },
  });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 2, get: true });
    assert.deepEqual(r.outcomes.map((o) => o.kind), ['ok', 'ok']);
    assert.ok(server.prefaceOk, 'the connection began with the client preface');
    const first = server.frames[0] as ClientFrame;
    assert.equal(first.type, T.SETTINGS, 'SETTINGS right after the preface');
    const settings = new Map<number, number>();
    for (let i = 0; i < first.payload.length; i += 6) settings.set(first.payload.readUInt16BE(i), first.payload.readUInt32BE(i + 2));
    assert.equal(settings.get(2), 0, 'push disabled');
    assert.ok((settings.get(4) ?? 0) >= BODY, 'each stream may receive the whole body');
    const grow = server.frames.find((f) => f.type === T.WINDOW && f.streamId === 0);
    assert.ok(grow !== undefined && 65_535 + grow.payload.readUInt32BE(0) >= 2 * BODY, 'the connection may receive both bodies');
    assert.ok(server.frames.some((f) => f.type === T.SETTINGS && f.flags === 1), "the server's SETTINGS acked");
    assert.ok(server.frames.some((f) => f.type === T.PING && f.flags === 1 && f.payload.toString() === 'rollchk!'), 'PING acked with its payload');
  } finally {
    await server.close();
  }
});

test("the request's header block: pseudo-headers first, Host as :authority, connection-specific headers left out, -H kept", async () => {
  const blocks: Buffer[] = [];
  const server = await startRawServer({
    frame: (_socket, f) => void (f.type === T.HEADERS && blocks.push(f.payload)),
    request: (socket, req) => void socket.write(frame(T.HEADERS, 0x5, req.streamId, hpack([[':status', '200']]))),
  });
  try {
    const headers: Array<[string, string]> = [['Host', 'shop.example'], ['Connection', 'keep-alive'], ['X-Tenant', 'blue'], ['content-type', 'text/plain']];
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 2, headers });
    assert.deepEqual(r.outcomes.map((o) => o.kind), ['ok', 'ok']);
    const d = new HpackDecoder();
    for (const b of blocks) {
      assert.deepEqual(Object.entries(d.decode(b, 0, b.length)), [[':method', 'POST'], [':scheme', 'http'], [':authority', 'shop.example'], [':path', '/'], ['x-tenant', 'blue'], ['content-type', 'text/plain']]);
    }
    assert.equal(blocks.length, 2);
    assert.deepEqual(blocks[0], blocks[1], 'the same bytes for every request');
  } finally {
    await server.close();
  }
});

test('a server that never sends its SETTINGS: no stream goes out before them, and every call times out', async () => {
  const server = await startRawServer({ settings: null, request: () => undefined });
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 3, get: true, timeoutMs: 300 });
    assert.deepEqual(r.outcomes.map((o) => `${o.kind}:${o.streamId}`), ['timeout:0', 'timeout:0', 'timeout:0']);
    assert.ok(server.prefaceOk);
    assert.deepEqual(server.frames.filter((f) => f.type === T.HEADERS || f.type === T.RST), [], 'no HEADERS (and so no RST_STREAM) went out');
  } finally {
    await server.close();
  }
});

const VIOLATIONS: Array<[string, (id: number) => Buffer, string]> = [
  ['a frame above the 16 384-octet maximum', (id) => frame(T.DATA, 0, id, Buffer.alloc(20_000)), 'FRAME_SIZE_ERROR'],
  ['a header block naming an index beyond both tables', (id) => frame(T.HEADERS, 0x4, id, Buffer.from([0x88, 0xc6])), 'COMPRESSION_ERROR'],
  ['a PUSH_PROMISE, though push is disabled', (id) => frame(T.PUSH, 0x4, id, Buffer.from([0, 0, 0, 2, 0x82])), 'PROTOCOL_ERROR'],
  ['a DATA frame inside a header block', (id) => Buffer.concat([frame(T.HEADERS, 0, id, Buffer.from([0x88])), frame(T.DATA, 0, id, Buffer.from('x'))]), 'PROTOCOL_ERROR'],
  ['a PING of 4 octets', () => frame(T.PING, 0, 0, Buffer.alloc(4)), 'FRAME_SIZE_ERROR'],
];

for (const [what, bad, code] of VIOLATIONS) {
  test(`a server that sends ${what}: the client ends the connection with GOAWAY ${code}, its streams closed with it`, async () => {
    let wrote = false;
    let sawGoaway: () => void = () => undefined;
    const goawaySeen = new Promise<void>((resolve) => (sawGoaway = resolve));
    const server = await startRawServer({
      frame: (_socket, f) => void (f.type === T.GOAWAY && sawGoaway()),
      request(socket, req) {
        if (wrote) return;
        wrote = true;
        socket.write(bad(req.streamId));
      },
    });
    try {
      const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: 2, get: true });
      assert.deepEqual(r.outcomes.map((o) => `${o.kind}:${o.code ?? ''}`), [`connection_closed:${code}`, `connection_closed:${code}`]);
      await goawaySeen;
      const goaway = server.frames.find((f) => f.type === T.GOAWAY);
      assert.ok(goaway !== undefined, 'the client sent a GOAWAY');
      assert.equal(goaway.payload.readUInt32BE(4), { FRAME_SIZE_ERROR: 6, COMPRESSION_ERROR: 9, PROTOCOL_ERROR: 1 }[code]);
      assert.equal(r.connections[0]?.error, code);
    } finally {
      await server.close();
    }
  });
}
