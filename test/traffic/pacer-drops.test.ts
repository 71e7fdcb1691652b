// The pacer's drop counts at a flat-out rate, by arithmetic: the same numbers,
// in the same intervals, as walking the schedule one intended time at a time
// (the float arithmetic of `t0 + k * period` included), with the cap full, a
// warm-up, an end, and a stop. A real aggregator counts them per interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAggregator } from '../../src/results/aggregator.js';
import { createFixedClock } from '../../src/results/clock.js';
import { INTERVAL_MS } from '../../src/results/types.js';
import { Pacer, type Sender } from '../../src/traffic/pacer.js';

/** walk lists the counted intended times in [0, until) (`<= until` with `inclusive`) from request `from`, as the loop did. */
function walk(t0: number, periodMs: number, from: number, until: number, endAtMs: number, recordFromMs: number, inclusive: boolean): number[] {
  const out: number[] = [];
  for (let k = from; ; k += 1) {
    const next = t0 + k * periodMs;
    if (!(inclusive ? next <= until : next < until) || next >= endAtMs) return out;
    if (next >= recordFromMs) out.push(next);
  }
}

function perInterval(times: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of times) m.set(Math.floor(t / INTERVAL_MS), (m.get(Math.floor(t / INTERVAL_MS)) ?? 0) + 1);
  return m;
}

for (const [ratePerSec, t0] of [[7000, 0.3], [200_000, 12.7], [333, 0]] as const) {
  test(`drops at ${ratePerSec}/s from ${t0} ms: the intervals and counts of a step-by-step walk`, () => {
    const clock = createFixedClock();
    const agg = createAggregator();
    const sender: { -readonly [K in keyof Sender]: Sender[K] } & { sent: number } = {
      inFlight: 0,
      sent: 0,
      send() {
        this.inFlight += 1;
        this.sent += 1;
      },
    };
    const pacer = new Pacer({ ratePerSec, maxInFlight: 1, clock, agg, sender });
    const periodMs = 1000 / ratePerSec;
    const recordFromMs = 50;
    const endAtMs = 1800.25;
    clock.set(t0);
    pacer.start(t0, recordFromMs);
    try {
      assert.equal(sender.sent, 1, 'the first request goes, then the cap (1) is full');
      assert.equal(pacer.parked, true);
      clock.set(1234.567);
      pacer.dropParked(1234.567);
      pacer.endAt(endAtMs);
      clock.set(2000);
    } finally {
      pacer.stop();
    }
    const dropped = new Map(agg.flush(0, true).filter((p) => p.dropped > 0).map((p) => [p.index, p.dropped]));
    // Parked: everything intended before each reading meets the full cap, counted in its own interval.
    const expected = perInterval(walk(t0, periodMs, 1, endAtMs, endAtMs, recordFromMs, false));
    assert.deepEqual(dropped, expected);
  });
}

test('a full cap met while sending drops at most one batch (512) at the time of the pass, the rest where intended', () => {
  const ratePerSec = 7000;
  const t0 = 0.3;
  const periodMs = 1000 / ratePerSec;
  const clock = createFixedClock();
  const agg = createAggregator();
  const sender: { -readonly [K in keyof Sender]: Sender[K] } = {
    inFlight: 0,
    send() {
      this.inFlight += 1;
    },
  };
  const pacer = new Pacer({ ratePerSec, maxInFlight: 1, clock, agg, sender });
  clock.set(t0);
  pacer.start(t0, 50);
  try {
    clock.set(500);
    // A settle at 300 that frees no capacity the pacer can use (the sender stays full): what was due before 300 is dropped where intended.
    pacer.unpark(300, false);
    pacer.capacityBack(500);
  } finally {
    pacer.stop();
  }
  const dropped = new Map(agg.flush(0, true).filter((p) => p.dropped > 0).map((p) => [p.index, p.dropped]));
  const before300 = walk(t0, periodMs, 1, 300, Infinity, 50, false);
  const kAt300 = 1 + walk(t0, periodMs, 1, 300, Infinity, 0, false).length;
  // The pass at 500 meets the full cap: one batch of 512 counted at 500 (interval 5)...
  const expected = perInterval(before300);
  expected.set(5, 512 + walk(t0, periodMs, kAt300 + 512, 500, Infinity, 500, true).length);
  // ...and the stop drops the rest before 500 where intended (an intended time of exactly 500 is in the stop's pass, at 500).
  for (const [i, n] of perInterval(walk(t0, periodMs, kAt300 + 512, 500, Infinity, 50, false))) expected.set(i, (expected.get(i) ?? 0) + n);
  assert.deepEqual(dropped, expected);
});
