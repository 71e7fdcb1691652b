import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder } from '../../src/results/recorder.js';
import { createAggregator } from '../../src/results/aggregator.js';
import { decodeHistogram } from '../../src/results/histogram.js';
import type { RequestOutcome } from '../../src/results/partial.js';

function outcome(o: Partial<RequestOutcome> & { endAtMs: number }): RequestOutcome {
  return {
    intendedAtMs: o.endAtMs - 2,
    startAtMs: o.endAtMs - 1,
    kind: 'ok',
    connId: 'w0:c1',
    reused: true,
    population: 'keepalive',
    ...o,
  };
}

function recorder() {
  const clock = createFixedClock();
  const rec = createRecorder({
    clock,
    command: 'load',
    mode: 'load',
    target: 'http://127.0.0.1:1/',
    params: { rate: 10 },
    targetRatePerSec: 10,
    warmupMs: 0,
    tickMs: 0,
  });
  rec.markRecording(0);
  return { clock, rec };
}

test('single outcomes become intervals, totals and kept failures; the invariant holds with requests in flight', () => {
  const { clock, rec } = recorder();
  for (let i = 0; i < 10; i += 1) rec.recordSent(i * 30, i % 2 ? 'fresh' : 'keepalive', 0.5);
  rec.recordOutcome(outcome({ endAtMs: 20, pod: 'a' }));
  rec.recordOutcome(
    outcome({
      endAtMs: 50,
      kind: 'reset',
      errorCode: 'ECONNRESET',
      reused: false,
      population: 'fresh',
    }),
  );
  rec.recordOutcome(outcome({ endAtMs: 150, kind: 'http_5xx', status: 503, pod: 'b' }));
  rec.recordOutcome(outcome({ endAtMs: 250, pod: 'a' }));
  clock.set(300);
  const r = rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 6 });
  const t = r.totals;
  assert.equal(t.sent, 10);
  assert.equal(t.ok, 2);
  assert.equal(t.failed, 2);
  assert.equal(t.inFlightAtStop, 6);
  assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop);
  assert.deepEqual(t.byKind, { ok: 2, reset: 1, http_5xx: 1 });
  assert.equal(t.byConn.new.failed, 1);
  assert.equal(t.byConn.reused.completed, 3);
  assert.deepEqual(t.byPopulation.fresh, { sent: 5, ok: 0, failed: 1 });
  assert.deepEqual(
    r.failures.map((f) => f.kind),
    ['reset', 'http_5xx'],
  );
  assert.equal(r.failures[1]?.status, 503);
  assert.deepEqual(
    r.intervals.map((i) => i.atMs),
    [0, 100, 200],
  );
  assert.deepEqual(
    r.intervals.map((i) => i.sent),
    [4, 3, 3],
  );
  assert.deepEqual(
    r.intervals.map((i) => i.inFlight),
    [2, 4, 6],
  );
  assert.equal(r.intervals[0]?.okByPod.a, 1);
  assert.equal(decodeHistogram(r.intervals[0]?.histogram ?? '').totalCount, 1);
  assert.equal(t.latency.count, 2);
  assert.equal(t.latency.meanUs, 2000, 'the mean from tracked sums is exact');
  assert.equal(t.service?.meanUs, 1000);
  assert.equal(r.intervals[0]?.latency.meanUs, 2000);
  assert.deepEqual(r.meta.warnings, []);
  assert.equal(r.analysis, null);
});

test('a mismatch between the engine and the recorder on in-flight requests is a warning', () => {
  const { rec } = recorder();
  rec.recordSent(10, 'keepalive');
  const r = rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 0 });
  assert.equal(r.meta.warnings.length, 1);
});

test('batches from two sources for the same interval merge exactly (counts and histograms)', () => {
  const { clock, rec } = recorder();
  for (const source of [0, 1]) {
    const agg = createAggregator();
    for (let i = 0; i < 5; i += 1) {
      agg.sent(i * 10, 'keepalive', 0);
      agg.done(outcome({ endAtMs: i * 10 + 5, intendedAtMs: i * 10, startAtMs: i * 10 }));
    }
    agg.sent(150, 'keepalive', 0);
    agg.done(outcome({ endAtMs: 160, kind: 'timeout', connId: `w${source}:c1` }));
    rec.ingest({ source, partials: agg.flush(1000), closedBefore: 10 });
  }
  clock.set(200);
  const r = rec.finish({ stopReason: 'completed', interrupted: false });
  assert.equal(r.totals.sent, 12);
  assert.equal(r.totals.ok, 10);
  assert.equal(r.intervals[0]?.sent, 10);
  assert.equal(decodeHistogram(r.intervals[0]?.histogram ?? '').totalCount, 10);
  assert.equal(r.intervals[0]?.latency.count, 10);
  assert.equal(r.intervals[1]?.done.reused.timeout, 2);
  assert.deepEqual(r.failures.map((f) => f.connId).sort(), ['w0:c1', 'w1:c1']);
});

test('live listeners are told at most once per tick, and only when something changed', () => {
  const { clock, rec } = recorder();
  let told = 0;
  const off = rec.subscribe(() => (told += 1));
  rec.tick();
  assert.equal(told, 1, 'the first tick tells the new state');
  rec.tick();
  assert.equal(told, 1, 'nothing changed');
  for (let i = 0; i < 100; i += 1) rec.recordSent(i, 'keepalive');
  clock.set(150);
  rec.tick();
  assert.equal(told, 2, 'a hundred requests, one notification');
  const s = rec.snapshot();
  assert.equal(s.totals.sent, 100);
  assert.equal(s.recent.length, 1, 'the closed interval');
  assert.equal(s.finished, false);
  rec.setPhase('rollout', 120);
  rec.event({ kind: 'sigterm', pod: 'web-1', atMs: 130 });
  rec.tick();
  assert.equal(told, 3);
  assert.equal(rec.snapshot().phase, 'rollout');
  assert.equal(rec.snapshot().events.length, 1);
  off();
  rec.recordSent(160, 'keepalive');
  rec.tick();
  assert.equal(told, 3, 'unsubscribed');
});

test('each pod-created event with a log path lands in meta.podLogs', () => {
  const { rec, clock } = recorder();
  rec.event({ kind: 'pod-created', pod: 'demo-a', revision: 'r1', logPath: '/tmp/x/demo-a.log', atMs: 1 });
  rec.event({ kind: 'pod-created', pod: 'demo-b', revision: 'r1', atMs: 2 });
  clock.set(100);
  const r = rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 0 });
  assert.deepEqual(r.meta.podLogs, { 'demo-a': '/tmp/x/demo-a.log' });
});
