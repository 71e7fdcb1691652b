// test-lane: slow: load runs against real HTTP/2 and gRPC servers, a server killed and restarted
// `rollcheck load --protocol h2c|grpc` end to end, in process: real nghttpd,
// h2o and Python grpcio servers, the books balanced against the engine's own
// count; the pre-flight that names the protocol a URL speaks; a grpcio server
// SIGKILLed and restarted mid-run, every lost call reported by kind.
import { test } from 'node:test';
import { judgeExit } from '../helpers/traffic-command.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { answer, runTraffic, settingsFor, startServer } from './harness.js';
import { startGrpcio, startH2o, startNghttpd, type RealServer } from './h2-real.js';
import { readTrafficSettings } from '../../src/traffic/settings.js';
import { createSecureServer } from 'node:http2';
import { writeFileSync } from 'node:fs';
import { makeTestCa } from './test-ca.js';

async function load(args: string[]): Promise<{ code: number; err: string; results: Results | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-h2-cli-'));
  try {
    const io = createTestIo({ cwd: dir });
    const code = await runCli(['load', ...args, '--out', 'run.json'], io);
    let results: Results | null = null;
    try {
      results = loadResults(join(dir, 'run.json'));
    } catch {
      results = null;
    }
    return { code, err: io.err(), results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function balanced(r: Results): void {
  const t = r.totals;
  assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop + (t.queueExpired ?? 0));
  assert.equal(t.inFlightCounted, t.inFlightAtStop, 'the books agree with the engine\'s own count');
}

async function steady(server: RealServer, protocol: string, extra: string[] = []): Promise<Results> {
  try {
    const { code, err, results } = await load([`http://127.0.0.1:${server.port}/`, '--protocol', protocol, '-r', '300', '-d', '2s', '--warmup', '300ms', ...extra]);
    assert.ok(results, err);
    // On busy cores the generator may fall behind (exit 3 in place of a pass, judgeExit): every request it sent must still be ok.
    const behind = judgeExit(code, results, [0], err);
    balanced(results);
    assert.equal(results.totals.failed, 0, JSON.stringify(results.failures.slice(0, 3)));
    if (behind === undefined) assert.ok(results.totals.ok >= 550, `${results.totals.ok} ok of 600`);
    assert.equal(results.meta.params.protocol, protocol);
    return results;
  } finally {
    await server.close();
  }
}

test('load --protocol h2c against nghttpd: every request ok, the books balanced', { skip: skipUnless('nghttpd') }, async () => {
  await steady(await startNghttpd(), 'h2c');
});

test('load --protocol h2c --client node (node:http2, the reference) against nghttpd: every request ok, the books balanced', { skip: skipUnless('nghttpd') }, async () => {
  await steady(await startNghttpd(), 'h2c', ['--client', 'node']);
});

test('load --protocol h2c against h2o: every request ok, the books balanced', { skip: skipUnless('h2o') }, async () => {
  await steady(await startH2o(), 'h2c');
});

test('load --protocol grpc against a Python grpcio server: every health check ok, answered by the pod it names', { skip: skipUnless('grpcio') }, async () => {
  const r = await steady(await startGrpcio('grpc-a'), 'grpc');
  assert.deepEqual([...new Set(r.intervals.flatMap((i) => Object.keys(i.okByPod)))], ['grpc-a']);
  assert.equal(r.meta.params.grpc && (r.meta.params.grpc as { method: string }).method, 'grpc.health.v1.Health/Check');
});

test('h2c across --workers 2 with --fresh-connections 20: every request ok, fresh ones each on a connection of its own', { skip: skipUnless('nghttpd') }, async () => {
  const server = await startNghttpd();
  try {
    const { code, err, results } = await load([`http://127.0.0.1:${server.port}/`, '--protocol', 'h2c', '-r', '200', '-d', '1500ms', '--warmup', '300ms', '--workers', '2', '--fresh-connections', '20']);
    assert.ok(results, err);
    const behind = judgeExit(code, results, [0], err);
    balanced(results);
    assert.equal(results.totals.failed, 0);
    const fresh = results.totals.byPopulation.fresh;
    assert.ok(fresh.ok >= (behind === undefined ? 40 : 1), `${fresh.ok} fresh ok`);
    assert.ok((results.totals.byConn.new.ok ?? 0) >= fresh.ok, 'each fresh request went out on a new connection');
  } finally {
    await server.close();
  }
});

test('load --protocol grpc --runners 2: the call crosses to two runner processes, every call ok', { skip: skipUnless('grpcio') }, async () => {
  const server = await startGrpcio('grpc-r');
  try {
    const { code, err, results } = await load([`http://127.0.0.1:${server.port}/`, '--protocol', 'grpc', '--runners', '2', '-r', '100', '-d', '1500ms', '--warmup', '300ms']);
    assert.equal(code, 0, err);
    assert.ok(results);
    assert.equal(results.totals.failed, 0);
    assert.deepEqual(results.meta.runners?.map((x) => x.status), ['finished', 'finished']);
    assert.equal((results.meta.runners ?? []).reduce((n, x) => n + x.ok, 0), results.totals.ok);
    assert.ok(results.totals.ok >= 140, `${results.totals.ok} ok`);
  } finally {
    await server.close();
  }
});

test('the pre-flight names the protocol a URL speaks: one line, exit 2, no traffic', { skip: skipUnless('nghttpd') }, async () => {
  const h2only = await startNghttpd();
  const http1 = await startServer((_n, _req, res, counts) => answer(res, counts, 200));
  try {
    const a = await load([`http://127.0.0.1:${h2only.port}/`, '-r', '50', '-d', '1s']);
    assert.equal(a.code, 2);
    assert.match(a.err, /^rollcheck: http:\/\/127\.0\.0\.1:\d+\/ answers only HTTP\/2: use --protocol h2c \(or --protocol grpc for a gRPC service\)\n$/);
    const b = await load([http1.url, '--protocol', 'h2c', '-r', '50', '-d', '1s']);
    assert.equal(b.code, 2);
    assert.match(b.err, /answers only HTTP\/1\.1: use --protocol http1\n$/);
    // The pre-flight's HTTP/1.1 requests (one, then a few timed), no traffic.
    assert.ok(http1.counts.requests <= 4, `${http1.counts.requests} requests reached it`);
    const c = await load([http1.url, '--protocol', 'h2', '-d', '1s']);
    assert.equal(c.code, 2);
    assert.match(c.err, /--protocol h2 is HTTP\/2 over TLS: use an https:\/\/ URL/);
  } finally {
    await h2only.close();
    await http1.close();
  }
});

test('load --protocol h2 over TLS (ALPN h2, --ca-cert): every request ok; the same URL as HTTP/1.1 is one line naming --protocol h2', { skip: skipUnless('openssl') }, async () => {
  const ca = makeTestCa('localhost');
  const server = createSecureServer({ key: ca.key, cert: ca.cert });
  server.on('stream', (s) => {
    s.on('error', () => undefined);
    s.respond({ ':status': 200, 'x-pod-name': 'tls-pod' });
    s.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-h2-ca-'));
  try {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.caPem);
    const url = `https://localhost:${port}/`;
    const common = ['--ca-cert', caFile, '--resolve', `localhost:${port}:127.0.0.1`, '-r', '200', '-d', '1s', '--warmup', '200ms'];
    const ok = await load([url, '--protocol', 'h2', ...common]);
    assert.equal(ok.code, 0, ok.err);
    assert.ok(ok.results);
    balanced(ok.results);
    assert.equal(ok.results.totals.failed, 0);
    assert.ok(ok.results.totals.ok >= 180);
    const h1 = await load([url, ...common]);
    assert.equal(h1.code, 2);
    assert.match(h1.err, /answers only HTTP\/2: use --protocol h2 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('gRPC flags are checked before anything runs', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ grpcMethod: 'a.B/C' }, /--grpc-method needs --protocol grpc/],
    [{ protocol: 'grpc', mix: 'GET=1' }, /--mix: a gRPC run makes one call/],
    [{ protocol: 'grpc', body: 'x' }, /--body: a gRPC call's message is --grpc-data/],
    [{ protocol: 'h2c', client: 'undici' }, /--client undici speaks HTTP\/1\.1 only/],
    [{ client: 'node' }, /--client node is the node:http2 client; use it with --protocol h2, h2c or grpc/],
    [{ protocol: 'grpc', grpcMethod: 'a.B/C', grpcData: '{"x":1}' }, /add --proto FILE/],
  ];
  for (const [opts, re] of bad) assert.throws(() => readTrafficSettings(opts), re);
  const s = readTrafficSettings({ protocol: 'grpc', grpcMetadata: ['tenant=blue', 'token=secret'], header: ['x-a: 1'] });
  assert.deepEqual(s.mix, [{ method: 'POST', path: '/grpc.health.v1.Health/Check', weight: 1 }]);
  assert.deepEqual(s.headers, [['content-type', 'application/grpc'], ['te', 'trailers'], ['tenant', 'blue'], ['token', 'secret'], ['x-a', '1']]);
  assert.deepEqual(s.grpc, { method: 'grpc.health.v1.Health/Check', metadata: ['tenant', 'token'] });
});

test('a grpcio server SIGKILLed and restarted mid-run: every lost call reported by kind, then calls succeed again', { skip: skipUnless('grpcio') }, async () => {
  const first = await startGrpcio('grpc-a');
  const port = first.port;
  const servers: RealServer[] = [first];
  let killedAtMs = 0;
  try {
    const r = await runTraffic(`http://127.0.0.1:${port}/`, settingsFor({ protocol: 'grpc', ...grpcCall(), ratePerSec: 400, connections: 2, timeoutMs: 3000 }), {
      durationMs: 3000,
      during: async (clock) => {
        await new Promise((res) => setTimeout(res, 1000));
        killedAtMs = clock.nowMs();
        first.child.kill('SIGKILL');
        await new Promise((res) => setTimeout(res, 300));
        servers.push(await startGrpcio('grpc-b', port));
      },
    });
    balanced(r);
    assert.ok(r.totals.failed > 0, 'the kill cost calls');
    assert.equal(r.failures.length, r.totals.failed);
    const kinds = new Set(r.failures.map((f) => f.kind));
    for (const k of kinds) assert.ok(['refused', 'reset', 'connection_closed'].includes(k), [...kinds].join(', '));
    for (const f of r.failures) assert.ok(f.endAtMs >= killedAtMs - 1, `failure at ${f.endAtMs}, kill at ${killedAtMs}`);
    assert.ok(r.failures.some((f) => f.streamId !== undefined && f.streamId > 0) || kinds.has('refused'));
    const last = r.intervals.filter((i) => i.sent > 0).at(-1);
    assert.deepEqual(Object.keys(last?.okByPod ?? {}), ['grpc-b'], 'after the restart the new process answers');
  } finally {
    for (const s of servers) await s.close();
  }
});

function grpcCall(): Partial<ReturnType<typeof readTrafficSettings>> {
  const s = readTrafficSettings({ protocol: 'grpc' });
  return { method: s.method, headers: s.headers, body: s.body, mix: s.mix, grpc: s.grpc };
}
