import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAggregator } from '../../src/results/aggregator.js';
import { createIntervalStore } from '../../src/results/interval-store.js';
import type { RequestOutcome, TrafficPartial } from '../../src/results/partial.js';
import { addCompact, compactTotal, createBuckets, quantileMs, recordBucket, toCompact } from '../../src/results/service-buckets.js';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder } from '../../src/results/recorder.js';
import { validateResults } from '../../src/results/validate.js';

/** answer is one ok answer from `pod` ending at `endAtMs` that took `serviceMs` on its connection. */
function answer(pod: string, endAtMs: number, serviceMs: number): RequestOutcome {
  return { intendedAtMs: endAtMs - serviceMs - 3, startAtMs: endAtMs - serviceMs, endAtMs, kind: 'ok', connId: 'w0:c1', reused: true, population: 'keepalive', pod };
}

// Service times spread over two decades, different for each pod: a pod's quantiles must come out of its own answers.
const SERVICE_MS = (pod: number, k: number): number => (pod + 1) * (1 + ((k * 37) % 100));

test('per-pod distributions read quantiles within a bucket of the exact ones', () => {
  const values = Array.from({ length: 1000 }, (_, k) => SERVICE_MS(2, k)).sort((a, b) => a - b);
  const b = createBuckets();
  for (const ms of values) recordBucket(b, ms * 1000);
  for (const q of [0.5, 0.9, 0.99]) {
    const exact = values[Math.ceil(q * values.length) - 1] ?? 0;
    const read = quantileMs(b, q);
    // Ten buckets a decade: the middle of a bucket is within 10^0.05 (12 %) of anything in it.
    assert.ok(read / exact <= 10 ** 0.05 + 1e-9 && exact / read <= 10 ** 0.05 + 1e-9, `q ${q}: read ${read}, exact ${exact}`);
  }
  assert.deepEqual(toCompact(createBuckets()), []);
  const back = createBuckets();
  addCompact(back, toCompact(b));
  assert.deepEqual(back, b);
});

test('per-pod distributions merge exactly across sources (worker threads, runners over NDJSON) and late parts', () => {
  // One source that saw everything, and three that each saw a share, as the engine's workers or a runner fleet do.
  const whole = createAggregator({ wire: true });
  const shares = [0, 1, 2].map(() => createAggregator({ wire: true }));
  for (let k = 0; k < 900; k += 1) {
    const pod = k % 3;
    const o = answer(`pod-${pod}`, (k % 300) + 0.5, SERVICE_MS(pod, k));
    whole.done(o);
    shares[k % shares.length]?.done(o);
  }
  const one = createIntervalStore();
  for (const p of whole.flush(0, true)) one.add(p);
  const many = createIntervalStore();
  const parts: TrafficPartial[] = shares.flatMap((a) => a.flush(0, true));
  // The first interval's parts arrive before the samples are built, the rest after: a late part rebuilds.
  const wireCopy = (p: TrafficPartial): TrafficPartial => JSON.parse(JSON.stringify(p)) as TrafficPartial;
  for (const p of parts.filter((p) => p.index === 0)) many.add(wireCopy(p));
  many.samples(0, 2, 900, 900);
  for (const p of parts.filter((p) => p.index !== 0)) many.add(wireCopy(p));
  const a = one.samples(0, 2, 900, 900);
  const b = many.samples(0, 2, 900, 900);
  assert.equal(b.length, 3);
  for (let i = 0; i < 3; i += 1) {
    const pods = a[i]?.okServiceBucketsByPod ?? {};
    assert.deepEqual(Object.keys(pods).sort(), ['pod-0', 'pod-1', 'pod-2']);
    assert.deepEqual(b[i]?.okServiceBucketsByPod, pods, `interval ${i}`);
    for (const [pod, c] of Object.entries(pods)) {
      assert.equal(compactTotal(c), a[i]?.okByPod[pod], `interval ${i} ${pod}: one count per answer`);
    }
  }
  // pod-2's answers take three times pod-0's: so do their medians, to a bucket.
  const median = (pod: string): number => {
    const m = createBuckets();
    for (const s of b) addCompact(m, s.okServiceBucketsByPod?.[pod] ?? []);
    return quantileMs(m, 0.5);
  };
  const ratio = median('pod-2') / median('pod-0');
  assert.ok(ratio > 3 / 10 ** 0.1 && ratio < 3 * 10 ** 0.1, `ratio ${ratio}`);
});

test('a run with per-pod distributions matches the schema; an interval without pod answers carries none', () => {
  const clock = createFixedClock();
  const rec = createRecorder({ clock, command: 'load', mode: 'load', target: 'http://127.0.0.1:1/', params: { rate: 10 }, targetRatePerSec: 10, warmupMs: 0, tickMs: 0 });
  rec.markRecording(0);
  for (let i = 0; i < 3; i += 1) rec.recordSent(i * 100, 'keepalive', 0.5);
  rec.recordOutcome(answer('a', 20, 4));
  rec.recordOutcome(answer('b', 50, 40));
  rec.recordOutcome({ ...answer('a', 250, 4), pod: undefined });
  clock.set(300);
  const r = rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 0 });
  assert.deepEqual(Object.keys(r.intervals[0]?.okServiceBucketsByPod ?? {}).sort(), ['a', 'b']);
  assert.equal(r.intervals[2]?.okServiceBucketsByPod, undefined);
  assert.equal(validateResults(JSON.parse(JSON.stringify(r))), null);
  const bad = JSON.parse(JSON.stringify(r)) as { intervals: Array<{ okServiceBucketsByPod?: Record<string, unknown> }> };
  const first = bad.intervals[0];
  assert.ok(first?.okServiceBucketsByPod);
  first.okServiceBucketsByPod.a = 'not buckets';
  assert.match(validateResults(bad) ?? '', /okServiceBucketsByPod/);
});
