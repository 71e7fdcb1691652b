// test-lane: slow: load runs over HTTP/2 and gRPC from worker threads and runner processes, servers killed mid-run
// `--runners 2` (local runner processes, rollcheck.runner/v3) and `--workers 2`
// carry h2c and gRPC traffic with its connection records and each failed
// stream's id: a node:http2 server whose sockets are destroyed mid-run, and a
// real Python grpcio server SIGKILLed mid-run. (h2c over two worker threads:
// test/traffic/connection-records.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { startGrpcio } from '../traffic/h2-real.js';
import { startH2Server } from '../traffic/h2-server.js';

/** loadWhile runs `rollcheck load ARGS` and, alongside, `during` (which waits for traffic itself, then acts). */
async function loadWhile(args: string[], during: () => Promise<void>): Promise<{ code: number; err: string; r: Results }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-h2-runners-'));
  try {
    const io = createTestIo({ cwd: dir });
    const acted = during();
    const code = await runCli(['load', ...args, '--out', 'run.json', '--no-dashboard'], io);
    await acted;
    return { code, err: io.err(), r: loadResults(join(dir, 'run.json')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** established counts the TCP connections established to 127.0.0.1:port, over IPv4 or IPv4-mapped IPv6 (grpcio's sockets), from /proc. */
function established(port: number): number {
  const p = port.toString(16).toUpperCase().padStart(4, '0');
  const local = new Set([`0100007F:${p}`, `0000000000000000FFFF00000100007F:${p}`]);
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (local.has(f[1] ?? '') && f[3] === '01') n += 1;
    }
  }
  return n;
}

/** whenTraffic waits until `seen()` holds (traffic is flowing: runners start slowly), then `afterMs` more. */
async function whenTraffic(seen: () => boolean, afterMs: number): Promise<void> {
  for (let i = 0; i < 600 && !seen(); i += 1) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, afterMs));
}

/** carried checks that every source's connections are in the results, and that the failures keep their stream ids and connections. */
function carried(r: Results, sources: string[]): void {
  const t = r.totals;
  assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop + (t.queueExpired ?? 0));
  const conns = r.connections ?? [];
  assert.deepEqual([...new Set(conns.map((c) => c.connId.split(':')[0]))].sort(), sources, 'connection records from every source');
  assert.equal(t.connections?.kept, conns.length);
  const ids = new Set(conns.map((c) => c.connId));
  // A request still waiting for a stream when its connection went has no stream id; one on the wire keeps its own.
  const cut = r.failures.filter((f) => (f.kind === 'connection_closed' || f.kind === 'reset') && f.streamId !== undefined);
  assert.ok(cut.length > 0, `streams were cut (${JSON.stringify(t.byKind)})`);
  for (const f of cut) {
    assert.ok(f.streamId! > 0 && f.streamId! % 2 === 1, `a cut stream keeps its (odd, client) stream id: ${f.streamId}`);
    assert.ok(ids.has(f.connId), `its connection ${f.connId} is recorded`);
  }
  const cutByConn = new Map<string, number>();
  for (const f of cut) cutByConn.set(f.connId, (cutByConn.get(f.connId) ?? 0) + 1);
  for (const c of conns) if ((c.streamsOpenAtClose ?? 0) > 0) assert.equal(c.streamsOpenAtClose, cutByConn.get(c.connId), `${c.connId}: streams open at close`);
}

const grpc = skipUnless('grpcio');

for (const how of [['--runners', '2']]) {
  test(`h2c ${how.join(' ')}: connection records and stream ids from every source, sockets destroyed mid-run`, async () => {
    const server = await startH2Server('pod-r', 60);
    try {
      const { code, err, r } = await loadWhile([server.url, '--protocol', 'h2c', '-r', '150', '-d', '3s', '--warmup', '500ms', '--connections', '4', '--timeout', '10s', ...how], async () => {
        // Past the pre-flight's connection and the warm-up: streams counted, some open at the destroy.
        await whenTraffic(() => server.answered() > 150, 500);
        for (const s of server.sockets) s.destroy();
      });
      assert.ok(code === 0 || code === 1, err);
      carried(r, ['w0', 'w1']);
      assert.ok((r.connections ?? []).every((c) => c.pod === 'pod-r' || c.pod === c.peer));
    } finally {
      await server.close();
    }
  });
}

for (const how of [['--runners', '2'], ['--workers', '2']]) {
  test(`grpc ${how.join(' ')}: a real grpcio server SIGKILLed mid-run, its cut calls on recorded connections`, { skip: grpc }, async () => {
    const server = await startGrpcio('grpc-r', 0, 60);
    try {
      const { code, err, r } = await loadWhile([`http://127.0.0.1:${server.port}/`, '--protocol', 'grpc', '-r', '150', '-d', '3s', '--warmup', '500ms', '--connections', '4', '--timeout', '10s', ...how], async () => {
        // Every source's connections up (the pre-flight's is one, gone at once), then past the warm-up.
        await whenTraffic(() => established(server.port) >= 3, 1500);
        server.child.kill('SIGKILL');
      });
      assert.equal(code, 1, err);
      carried(r, ['w0', 'w1']);
      assert.ok((r.totals.byKind.refused ?? 0) > 0, 'calls after the kill were refused');
      assert.ok((r.connections ?? []).some((c) => c.pod === 'grpc-r'), 'connections pinned to the pod that answered');
    } finally {
      await server.close();
    }
  });
}
