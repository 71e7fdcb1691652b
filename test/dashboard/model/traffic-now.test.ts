import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureSeries, trafficNow } from '../../../src/dashboard/model/traffic-now.js';
import { interval, snapshot, totals } from '../fixtures.js';

test('trafficNow sums the last second and reads latency from the merged histograms', () => {
  const recent = [interval(0, 99)]; // older than the last second: left out
  for (let at = 100; at <= 1000; at += 100)
    recent.push(interval(at, 10, at === 1000 ? { reset: 4 } : {}, at === 1000 ? 50_000 : 1000));
  const now = trafficNow(snapshot({ recent, totals: { ...totals(0), dropped: 7 } }));
  assert.equal(now.achievedRatePerSec, 104);
  assert.equal(now.okThisSec, 100);
  assert.equal(now.failedThisSec, 4);
  assert.ok(now.p50Us >= 1000 && now.p50Us < 1200, `p50 ${now.p50Us}`);
  assert.ok(now.p99Us >= 50_000, `p99 ${now.p99Us} shows the slow interval`);
  assert.equal(now.inFlight, 3);
  assert.equal(now.droppedTotal, 7);
  assert.deepEqual(trafficNow(snapshot({})).achievedRatePerSec, 0);
});

test('failureSeries bins failures per second per kind over the last minute, busiest first', () => {
  const recent = [
    interval(500, 1, { refused: 9 }),
    interval(30_000, 1, { reset: 2 }),
    interval(30_100, 1, { reset: 3, refused: 1 }),
    interval(61_900, 1),
  ];
  const series = failureSeries(recent, 60);
  assert.deepEqual(
    series.map((s) => [s.kind, s.total, s.perSec.length, s.perSec.findIndex((n) => n > 0)]),
    [
      ['reset', 5, 60, 28], // second 30 is bin 30 − (61 − 59) = 28
      ['refused', 1, 60, 28], // the refusals at 0.5 s fell out of the window
    ],
  );
  assert.deepEqual(failureSeries([]), []);
});
