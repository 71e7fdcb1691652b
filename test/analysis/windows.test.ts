import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOutageWindows } from '../../src/analysis/windows.js';
import type { FailureRecord } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

/** outage makes every request of a `ratePerSec` run fail (refused) from `startMs` for `lengthMs`. */
function outage(startMs: number, lengthMs: number, ratePerSec: number, phaseMs = 0): FailureRecord[] {
  const spacing = 1000 / ratePerSec;
  const out: FailureRecord[] = [];
  // Requests are due on the rate's grid; the first one inside the outage fails first.
  for (let t = Math.ceil((startMs - phaseMs) / spacing) * spacing + phaseMs; t < startMs + lengthMs; t += spacing) {
    out.push(fail(t + 0.4, 'refused'));
  }
  return out;
}

const cases: Array<{ name: string; rate: number; startMs: number; lengthMs: number; phaseMs: number }> = [
  { name: '1 s outage at 100 req/s, aligned', rate: 100, startMs: 3000, lengthMs: 1000, phaseMs: 0 },
  { name: '1 s outage at 100 req/s, off-grid start', rate: 100, startMs: 3004, lengthMs: 1000, phaseMs: 7 },
  { name: '250 ms outage at 200 req/s straddling intervals', rate: 200, startMs: 2060, lengthMs: 250, phaseMs: 1.3 },
  { name: '60 ms outage at 1000 req/s across an interval boundary', rate: 1000, startMs: 4070, lengthMs: 60, phaseMs: 0.5 },
  { name: '2.5 s outage at 20 req/s', rate: 20, startMs: 1010, lengthMs: 2500, phaseMs: 10 },
];

for (const c of cases) {
  test(`windows: ${c.name} is measured within ±(1/rate + 2 ms)`, () => {
    const failures = outage(c.startMs, c.lengthMs, c.rate, c.phaseMs);
    const r = makeResults({ ratePerSec: c.rate, failures });
    const windows = findOutageWindows(r.failures, r.intervals, { ratePerSec: c.rate });
    assert.equal(windows.length, 1, JSON.stringify(windows));
    const w = windows[0]!;
    const tolerance = 1000 / c.rate + 2;
    assert.ok(Math.abs(w.durationMs - c.lengthMs) <= tolerance, `duration ${w.durationMs} vs ${c.lengthMs} ± ${tolerance}`);
    assert.ok(Math.abs(w.startMs - c.startMs) <= tolerance, `start ${w.startMs} vs ${c.startMs}`);
    assert.equal(w.failures, failures.length);
    assert.deepEqual(w.byKind, { refused: failures.length });
  });
}

test('windows: no failures, no windows; one failure is not an outage', () => {
  const r = makeResults();
  assert.deepEqual(findOutageWindows(r.failures, r.intervals, { ratePerSec: 100 }), []);
  const one = makeResults({ failures: [fail(500, 'reset')] });
  assert.deepEqual(findOutageWindows(one.failures, one.intervals, { ratePerSec: 100 }), []);
});

test('windows: scattered failures among successes do not dominate', () => {
  // Every fifth request fails for 3 s: 20 % errors, never an outage.
  const failures: FailureRecord[] = [];
  for (let t = 1000; t < 4000; t += 50) failures.push(fail(t, 'reset'));
  const r = makeResults({ failures });
  assert.deepEqual(findOutageWindows(r.failures, r.intervals, { ratePerSec: 100 }), []);
});

test('windows: an outage inside a stretch of scattered failures keeps its own edges', () => {
  const failures: FailureRecord[] = [];
  for (let t = 1000; t < 6000; t += 50) if (t < 3000 || t >= 3500) failures.push(fail(t + 0.2, 'reset'));
  failures.push(...outage(3000, 500, 100));
  const r = makeResults({ failures });
  const windows = findOutageWindows(r.failures, r.intervals, { ratePerSec: 100 });
  assert.equal(windows.length, 1);
  const w = windows[0]!;
  assert.ok(Math.abs(w.startMs - 3000) <= 12 && Math.abs(w.durationMs - 500) <= 12, JSON.stringify(w));
});

test('windows: two outages far apart stay two; timeouts count at their intended time', () => {
  const failures = [...outage(1000, 300, 100), ...outage(5000, 400, 100)];
  const timeouts = outage(8000, 300, 100).map((f) => ({ ...f, kind: 'timeout' as const, endAtMs: f.endAtMs + 5000 }));
  const r = makeResults({ failures: [...failures, ...timeouts], durationMs: 15_000 });
  const windows = findOutageWindows(r.failures, r.intervals, { ratePerSec: 100 });
  assert.deepEqual(
    windows.map((w) => [Math.round(w.startMs / 10) * 10, Math.round(w.durationMs / 10) * 10]),
    [
      [1000, 300],
      [5000, 400],
      [8000, 300],
    ],
  );
  assert.equal(windows[2]?.byKind.timeout, 30);
});

test('windows: failures before the run clock zero (negative times) are handled', () => {
  const failures = outage(-300, 500, 100);
  const r = makeResults({ failures });
  const windows = findOutageWindows(r.failures, r.intervals, { ratePerSec: 100 });
  assert.equal(windows.length, 1);
  assert.ok(windows[0]!.startMs < 0);
});

test('windows: a lagging sender sends in clumps; the gaps between clumps do not split the outage', () => {
  // 200 req/s, but the sender wakes every 25 ms and sends five at once (lag up to 20 ms).
  const failures: FailureRecord[] = [];
  for (let t = 2000; t < 2600; t += 25) for (let k = 0; k < 5; k += 1) failures.push(fail(t + k * 0.1, 'refused'));
  const r = makeResults({ ratePerSec: 200, failures });
  const withLag = findOutageWindows(r.failures, r.intervals, { ratePerSec: 200, lagMs: 20 });
  assert.equal(withLag.length, 1);
  assert.ok(Math.abs(withLag[0]!.durationMs - 580) < 10, JSON.stringify(withLag[0]));
  // Without the lag figure the intervals still show no success in the gaps: one window too.
  assert.equal(findOutageWindows(r.failures, r.intervals, { ratePerSec: 200 }).length, 1);
});

test('windows: a gap in which successes completed splits two outages', () => {
  const failures = [...outage(1000, 200, 100), ...outage(1500, 200, 100)];
  const r = makeResults({ ratePerSec: 100, failures });
  assert.equal(findOutageWindows(r.failures, r.intervals, { ratePerSec: 100, lagMs: 5 }).length, 2);
});
