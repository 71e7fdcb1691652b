import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAggregator } from '../../src/results/aggregator.js';
import { mergeEncoded } from '../../src/results/histogram.js';
import { createIntervalStore } from '../../src/results/interval-store.js';
import type { TrafficPartial } from '../../src/results/partial.js';

/** partials makes one interval's partial per 100 ms for `n` intervals, latencies growing with the index. */
function partials(n: number, wire: boolean): TrafficPartial[] {
  const agg = createAggregator({ wire });
  for (let i = 0; i < n; i += 1) {
    for (let k = 0; k < 5; k += 1) {
      const endAtMs = i * 100 + k * 10 + 5;
      agg.sent(endAtMs - 1, 'keepalive');
      agg.done({
        intendedAtMs: endAtMs - (i + 1) * (k + 1),
        startAtMs: endAtMs - 0.5,
        endAtMs,
        kind: 'ok',
        connId: 'w0:c1',
        reused: true,
        population: 'keepalive',
      });
    }
  }
  return agg.flush(n * 100, true);
}

test('latencyOf gives the same histogram from live parts as from decoding, and only over the asked intervals', () => {
  const live = createIntervalStore();
  const wire = createIntervalStore();
  for (const p of partials(30, false)) live.add(p);
  for (const p of partials(30, true)) wire.add(p);
  const fromLive = live.latencyOf(20, 29);
  const fromWire = wire.latencyOf(20, 29);
  const decoded = mergeEncoded(wire.samples(20, 29, 150, 150).map((s) => s.histogram));
  assert.equal(fromLive.totalCount, 50);
  for (const q of [50, 90, 99, 100]) {
    assert.equal(fromLive.getValueAtPercentile(q), decoded.getValueAtPercentile(q), `p${q}`);
    assert.equal(fromWire.getValueAtPercentile(q), decoded.getValueAtPercentile(q), `p${q}`);
  }
  // Intervals that fell out of the live window still answer, by decoding.
  assert.equal(live.latencyOf(0, 4).totalCount, 25);
});

test('samples hand out the same object for an unchanged closed interval, a new one after a late part', () => {
  const store = createIntervalStore();
  const ps = partials(10, true);
  for (const p of ps) store.add(p);
  const a = store.samples(0, 9, 50, 50);
  const b = store.samples(0, 9, 50, 50);
  for (let i = 0; i < 10; i += 1) assert.equal(a[i], b[i], `interval ${i} reused`);
  // A late part for interval 3 (another worker's): interval 3 changes, and so does in-flight from there on.
  const late = {
    ...(ps[3] as TrafficPartial),
    sent: { keepalive: 2, fresh: 0 },
    done: { new: {}, reused: {} },
  };
  store.add(late);
  const c = store.samples(0, 9, 52, 50);
  assert.equal(c[2], a[2]);
  assert.notEqual(c[3], a[3]);
  assert.equal(c[3]?.sent, 7);
  assert.equal(c[9]?.inFlight, 2);
  assert.equal(a[9]?.inFlight, 0, 'what was handed out before is left alone');
});
