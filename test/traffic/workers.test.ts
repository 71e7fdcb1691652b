// test-lane: slow: worker threads under real traffic
// test-from-source: worker threads of a run from the .ts sources load their module through tsx
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram } from '../../src/results/histogram.js';
import { compactTotal } from '../../src/results/service-buckets.js';
import { answer, runTraffic, settingsFor, startServer } from './harness.js';

test('two worker threads send rate/2 each; their intervals, histograms and failures merge exactly', async () => {
  // An odd period: the two workers' requests interleave, so an even one could land every 503 on one worker.
  const server = await startServer((n, _req, res, counts) =>
    answer(res, counts, n % 5 === 0 ? 503 : 200),
  );
  try {
    // A generous timeout: on a busy shared machine, two tsx worker threads start slowly.
    const r = await runTraffic(
      server.url,
      settingsFor({ ratePerSec: 200, workers: 2, timeoutMs: 10_000 }),
      {
        durationMs: 2000,
        drainMs: 10_000,
      },
    );
    const t = r.totals;
    assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop);
    assert.equal(t.inFlightAtStop, 0);
    assert.ok(Math.abs(t.sent - 400) <= 12, `sent ${t.sent}`);
    assert.equal(t.sent, server.counts.requests);
    assert.equal(t.byKind.http_5xx, server.counts.status[503]);
    assert.equal(t.ok, server.counts.status[200]);
    assert.equal(r.failures.length, t.failed);
    const sources = new Set(r.failures.map((f) => f.connId.split(':')[0]));
    assert.deepEqual([...sources].sort(), ['w0', 'w1']);
    // Interval histograms merged from both workers hold every ok latency.
    const okInHistograms = r.intervals.reduce(
      (a, i) => a + decodeHistogram(i.histogram).totalCount,
      0,
    );
    assert.equal(okInHistograms, t.ok);
    // So do the per-pod service-time distributions (every answer named pod-a).
    assert.equal(r.intervals.reduce((a, i) => a + compactTotal(i.okServiceBucketsByPod?.['pod-a'] ?? []), 0), t.ok);
    assert.equal(t.latency.count, t.ok);
    assert.equal(
      r.intervals.reduce((a, i) => a + i.sent, 0),
      t.sent,
    );
    const sortedEnds = r.failures.map((f) => f.endAtMs);
    assert.deepEqual(
      sortedEnds,
      [...sortedEnds].sort((a, b) => a - b),
      'failures ordered by time',
    );
  } finally {
    await server.close();
  }
});
