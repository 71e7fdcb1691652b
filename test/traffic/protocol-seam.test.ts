// The protocol seam: a protocol the engine has never heard of, registered
// through the registry and spoken over real TCP sockets, is driven by the real
// engine with the same accounting as HTTP/1.1; and both HTTP/1.1 clients report
// connection lifecycles through the same interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClock } from '../../src/results/clock.js';
import type { Results } from '../../src/results/types.js';
import { createEngine, type EngineStop } from '../../src/traffic/engine.js';
import type { ConnectionEvent } from '../../src/traffic/protocol.js';
import { protocolClients, registerProtocol, unregisterProtocol } from '../../src/traffic/protocols.js';
import type { TrafficSettings } from '../../src/traffic/settings.js';
import { answer, failedOf, settingsFor, startServer, testRecorder } from './harness.js';
import { LINE_PROTOCOL, lineClient, startLineServer } from './line-protocol.js';

interface EngineRun {
  results: Results;
  stop: EngineStop;
  events: ConnectionEvent[];
}

/** runEngine drives one real engine for `durationMs` into a real recorder, keeping the connection events it reports. */
async function runEngine(url: string, settings: TrafficSettings, durationMs: number, drainMs: number): Promise<EngineRun> {
  const clock = createClock();
  const recorder = testRecorder(clock, url, settings);
  const events: ConnectionEvent[] = [];
  const engine = createEngine({
    url,
    settings,
    clock,
    ratePerSec: settings.ratePerSec,
    sink: (b) => recorder.ingest(b),
    onConnection: (e) => events.push(e),
  });
  const startAtMs = clock.nowMs();
  engine.start(startAtMs, startAtMs);
  recorder.markRecording(startAtMs);
  engine.endAt(startAtMs + durationMs);
  await new Promise((r) => setTimeout(r, durationMs));
  const stop = await engine.stop(drainMs);
  const results = recorder.finish({
    stopReason: 'completed',
    interrupted: false,
    inFlightAtStop: stop.inFlightAtStop,
    trafficEndMs: stop.scheduleEndMs,
  });
  return { results, stop, events };
}

function okByPod(r: Results): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of r.intervals) for (const [pod, n] of Object.entries(i.okByPod)) out[pod] = (out[pod] ?? 0) + n;
  return out;
}

test('a protocol registered through the registry, on real sockets: the engine accounts for every request', async () => {
  // Requests 30 and 70 are never answered (in flight at the stop, holding their connections);
  // every 9th fails by the protocol's own word, every 13th loses its connection.
  const fate = (n: number): 'ok' | 'fail' | 'close' | 'stall' =>
    n === 30 || n === 70 ? 'stall' : n % 13 === 0 ? 'close' : n % 9 === 0 ? 'fail' : 'ok';
  const server = await startLineServer(fate, (conn) => `line-pod-${conn % 2}`);
  registerProtocol(lineClient);
  try {
    assert.ok(protocolClients().includes(`${LINE_PROTOCOL}/lean`));
    const settings = settingsFor({ protocol: LINE_PROTOCOL, ratePerSec: 100, connections: 4, timeoutMs: 20_000 });
    const { results: r, stop, events } = await runEngine(server.url, settings, 1500, 300);
    const t = r.totals;
    assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop, 'sent = ok + failed + in flight at stop');
    assert.equal(t.inFlightAtStop, stop.inFlightAtStop);
    assert.equal(t.sent, 150, 'the open-model schedule: 1.5 s at 100/s');
    assert.deepEqual([server.counts.stall, server.counts.close, server.counts.fail], [2, 11, 15], 'every fate met');
    // Each unanswered request held one of the 4 connections: whatever was queued behind them
    // (none here: 2 connections stay free at 100/s) and they themselves are in flight.
    assert.equal(t.inFlightAtStop, server.counts.stall, 'the two unanswered requests are in flight at the stop');
    assert.equal(t.sent, server.counts.requests, 'every request sent reached the server');
    assert.equal(t.ok, server.counts.ok);
    const failed = failedOf(r);
    assert.equal(failed.other, server.counts.fail, "the protocol's own failures, as 'other'");
    assert.equal((failed.closed_before_response ?? 0) + (failed.reset ?? 0), server.counts.close);
    assert.equal(r.failures.length, t.failed, 'every failure kept');
    for (const f of r.failures.filter((x) => x.kind === 'other')) assert.equal(f.errorCode, 'LINE_FAIL');
    const pods = okByPod(r);
    assert.equal((pods['line-pod-0'] ?? 0) + (pods['line-pod-1'] ?? 0), t.ok, 'every ok names the pod of its connection');
    // Connection lifecycle: one 'opened' per connection the server accepted, each closed at most once.
    const opened = events.filter((e) => e.kind === 'opened').map((e) => e.connId);
    const closed = events.filter((e) => e.kind === 'closed').map((e) => e.connId);
    assert.equal(opened.length, server.counts.connections);
    assert.equal(new Set(opened).size, opened.length, 'connection ids are unique');
    assert.deepEqual([...closed].sort(), [...opened].sort(), 'every connection opened was closed by the end');
    for (const f of r.failures) assert.ok(opened.includes(f.connId), `${f.connId} was an opened connection`);
  } finally {
    unregisterProtocol(LINE_PROTOCOL, 'lean');
    await server.close();
  }
  assert.ok(!protocolClients().includes(`${LINE_PROTOCOL}/lean`));
});

test('an unknown protocol or client is named, with the registered ones', () => {
  const settings = settingsFor({ protocol: 'carrier-pigeon' });
  assert.throws(
    () => createEngine({ url: 'http://127.0.0.1:1/', settings, clock: createClock(), ratePerSec: 1, sink: () => undefined }),
    /no protocol client carrier-pigeon\/lean; registered: http1\/lean, http1\/undici/,
  );
  assert.throws(() => registerProtocol({ ...lineClient, protocol: 'http1' }), /http1\/lean is registered already/);
});

for (const client of ['lean', 'undici'] as const) {
  test(`http1 ${client}: connection lifecycle through the seam, fresh connections each opened and closed once`, async () => {
    const server = await startServer((_n, _req, res, counts) => answer(res, counts));
    try {
      const settings = settingsFor({ client, ratePerSec: 50, freshPercent: 100 });
      const { results: r, events } = await runEngine(server.url, settings, 600, 2000);
      const opened = events.filter((e) => e.kind === 'opened').map((e) => e.connId);
      const closed = events.filter((e) => e.kind === 'closed').map((e) => e.connId);
      assert.equal(r.totals.ok, r.totals.sent, 'every request answered');
      assert.equal(opened.length, r.totals.sent, 'one connection per request');
      assert.deepEqual([...closed].sort(), [...opened].sort(), 'each closed once');
      for (const e of events) assert.match(e.connId, /^w0:c\d+$/);
    } finally {
      await server.close();
    }
  });
}
