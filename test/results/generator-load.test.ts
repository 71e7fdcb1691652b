import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGeneratorTracker } from '../../src/results/generator-load.js';
import { createIntervalStore } from '../../src/results/interval-store.js';
import { emptyPartial, type TrafficBatch, type TrafficPartial } from '../../src/results/partial.js';

function partial(index: number, lagP99Us: number, started = 10): TrafficPartial {
  return { ...emptyPartial(index), started, lagP99Us };
}

function batch(source: number, index: number, lagP99Us: number, load?: { elu: number; windowMs?: number; cpu?: number }): TrafficBatch {
  return {
    source,
    partials: [partial(index, lagP99Us)],
    closedBefore: index + 1,
    ...(load ? { load: { windowMs: load.windowMs ?? 100, eventLoopUtilization: load.elu, cpuPercent: load.cpu ?? load.elu * 100 } } : {}),
  };
}

test('each source keeps its own load, lag, time behind and longest block; the last (drain) batch is not the sending', () => {
  const t = createGeneratorTracker('runner', 2);
  for (let i = 0; i < 20; i += 1) {
    // Runner 0 keeps up; runner 1 is busy and falls behind from interval 10, with one 600 ms block.
    t.add(batch(0, i, 2000, { elu: 0.2 }));
    t.add(batch(1, i, i >= 10 ? 300_000 : 2000, { elu: 0.9, windowMs: i === 12 ? 700 : 100 }));
  }
  t.add({ source: 1, partials: [], closedBefore: Number.MAX_SAFE_INTEGER, load: { windowMs: 5000, eventLoopUtilization: 0, cpuPercent: 0 } });
  const s = t.summary(0, 2000);
  assert.equal(s?.sourceKind, 'runner');
  const [r0, r1] = s?.sources ?? [];
  assert.deepEqual({ elu: r0?.eventLoopUtilization, lag: r0?.lagP99Us, behind: r0?.behindMs, started: r0?.started, stall: r0?.stallMs }, { elu: 0.2, lag: 2000, behind: 0, started: 200, stall: 0 });
  assert.equal(r1?.eventLoopUtilization, 0.9, 'the drain batch does not dilute it');
  assert.equal(r1?.lagP99Us, 300_000);
  // Intervals 10-19 sent 300 ms late: behind from 0.8 s (300 ms before interval 10 ended) to 2.0 s.
  assert.equal(r1?.behindMs, 1200);
  assert.deepEqual([r1?.stallMs, r1?.stallAtMs], [600, 700]);
  const live = t.live();
  assert.deepEqual(live.map((x) => [x.index, x.lagP99Us]), [[0, 2000], [1, 300_000]], 'the last second of each');
});

test('sources that never said their load (older runners): no generator figures rather than zeros', () => {
  const t = createGeneratorTracker('runner', 1);
  t.add(batch(0, 1, 5000));
  assert.equal(t.summary(0, 1000), undefined);
});

test('the merged interval carries the worst source\'s p99 lag and the sum of actual sends', () => {
  const store = createIntervalStore();
  store.add(partial(3, 4000, 7));
  store.add(partial(3, 250_000, 5));
  store.add({ ...emptyPartial(4), started: undefined });
  const [three, four] = store.samples(3, 4, 12, 0);
  assert.equal(three?.lagP99Us, 250_000);
  assert.equal(three?.started, 12);
  assert.equal(four?.started, undefined, 'a part that does not count its sends says nothing');
});
