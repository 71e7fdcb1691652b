import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, behindSpans, generatorBehind } from '../../src/analysis/index.js';
import type { GeneratorSource, Results } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

function source(over: Partial<GeneratorSource> = {}): GeneratorSource {
  return { index: 0, eventLoopUtilization: 0.3, cpuPercent: 30, lagP99Us: 3000, behindMs: 0, started: 1000, stallMs: 0, stallAtMs: 0, ...over };
}

/** lagged: a 10 s run whose intervals in [fromMs, toMs) sent `lagMs` late at p99, the rest 2 ms late. */
function lagged(opts: { fromMs?: number; toMs?: number; lagMs?: number; p99Ms?: number; sources?: GeneratorSource[]; kind?: 'worker' | 'runner'; cores?: number } = {}): Results {
  const r = makeResults({});
  r.meta.recordedFromMs = 0;
  r.meta.recordedToMs = 10_000;
  // A high lag p99 without a span given: behind over the whole run.
  const whole = opts.p99Ms !== undefined && opts.p99Ms > 100 && opts.fromMs === undefined;
  for (const s of r.intervals) {
    const inSpan = whole || (s.atMs >= (opts.fromMs ?? Infinity) && s.atMs < (opts.toMs ?? -Infinity));
    s.lagP99Us = (inSpan ? (opts.lagMs ?? opts.p99Ms ?? 0) : 2) * 1000;
  }
  r.totals.lag = { ...r.totals.lag, p99Us: (opts.p99Ms ?? 2) * 1000 };
  r.totals.service = { ...r.totals.latency, p99Us: 5000 };
  if (opts.sources) r.totals.generator = { sourceKind: opts.kind ?? 'worker', cores: opts.cores ?? 2, sources: opts.sources };
  return r;
}

test('lag within the bound, a loop with room: no word of it, the verdict as before', () => {
  const r = lagged({ sources: [source()] });
  assert.equal(generatorBehind(r), null);
  const v = analyze(r, { maxErrors: 0, maxP99Ms: 50 }).verdict;
  assert.equal(v.pass, true);
  assert.equal(v.generatorBehind, undefined);
  assert.equal(v.latencyBasis, 'latency');
});

test('behind spans reach back from each late interval by its lag, merged, clipped to the recorded span', () => {
  const r = lagged({ fromMs: 3000, toMs: 3500, lagMs: 500 });
  assert.deepEqual(behindSpans(r, 0, 10_000), [{ startMs: 2600, endMs: 3500 }]);
  assert.deepEqual(behindSpans(r, 3000, 3200), [{ startMs: 3000, endMs: 3200 }]);
  assert.deepEqual(behindSpans(lagged(), 0, 10_000), []);
});

test('a short spike (lag p99 over 100 ms, behind for under 10 % of the span): --max-p99 on service time, the run still judged', () => {
  const r = lagged({ p99Ms: 450, fromMs: 5000, toMs: 5300, lagMs: 450, sources: [source({ eventLoopUtilization: 0.5 })] });
  assert.equal(generatorBehind(r), null);
  const v = analyze(r, { maxErrors: 0, maxP99Ms: 50 }).verdict;
  assert.equal(v.pass, true);
  assert.equal(v.latencyBasis, 'service');
  assert.ok(v.reasons.some((x) => /^p99 service time .* 5 ms \(at most 50 ms allowed\)/.test(x)), v.reasons.join('\n'));
});

test('judged by the time spent behind or a saturated loop: each alone makes the run inconclusive', () => {
  const cases: Array<[string, Results, RegExp]> = [
    ['behind the whole run', lagged({ p99Ms: 450, sources: [source({ eventLoopUtilization: 0.5 })] }), /scheduling lag p99 450 ms; over 100 ms behind for 10 s of the 10 s recorded/],
    ['behind for 10 % of the span (a 1 s block in 10 s, p99 still small)', lagged({ fromMs: 5000, toMs: 5100, lagMs: 1000, sources: [source({ stallMs: 1000, stallAtMs: 4100 })] }), /over 100 ms behind for 1\.0 s of the 10 s recorded \(10%\).*worker 0's event loop was blocked for 1\.0 s from 4\.10 s/],
    ['a saturated loop', lagged({ sources: [source({ eventLoopUtilization: 0.97, cpuPercent: 97 })] }), /worker 0 event loop 97% busy, CPU 97%/],
    ['an older file: no source figures, the merged lag alone', lagged({ p99Ms: 300 }), /Fix: more --workers \(or --runners\), or a lower --rate/],
  ];
  for (const [name, r, want] of cases) {
    const v = analyze(r, { maxErrors: 0 }).verdict;
    assert.equal(v.pass, false, name);
    assert.match(v.inconclusive ?? '', /^the generator fell behind its schedule: /, name);
    assert.match(v.generatorBehind ?? '', want, name);
  }
});

test('the fix follows what held the schedule back: the CPU (workers, then runners), or the connections', () => {
  const cpu = lagged({ p99Ms: 3000, sources: [source({ eventLoopUtilization: 1, cpuPercent: 99 })], cores: 4 });
  cpu.totals.targetRatePerSec = 60_000;
  cpu.totals.achievedRatePerSec = 35_000;
  assert.match(generatorBehind(cpu) ?? '', /sent 35,000\/s of the 60,000\/s asked.*The client's CPU was the bottleneck, not the target\. Fix: --workers 3 \(one worker carries about 35,000\/s here; this machine has 4 cores\)/);
  cpu.totals.generator = { sourceKind: 'worker', cores: 2, sources: [source({ eventLoopUtilization: 1 })] };
  assert.match(generatorBehind(cpu) ?? '', /Fix: a lower --rate \(2 cores carry about 56,000\/s with --workers 2\), or --runners 3 on machines of their own/);
  const runners = lagged({ p99Ms: 458, kind: 'runner', sources: [0, 1, 2, 3].map((index) => source({ index, eventLoopUtilization: index === 2 ? 0.99 : 0.6 })) });
  runners.totals.targetRatePerSec = 2000;
  runners.totals.achievedRatePerSec = 1600;
  assert.match(generatorBehind(runners) ?? '', /runner 2 event loop 99% busy.*Fix: --runners 7 \(one runner carries about 400\/s here\)/);
  const conns = lagged({ p99Ms: 800, sources: [source({ eventLoopUtilization: 0.4 })] });
  conns.meta.params.connections = 10;
  assert.match(generatorBehind(conns) ?? '', /Requests waited for a free connection \(all 10 busy\), not for the CPU\. Fix: more --connections, or a lower --rate/);
});

test('behind: --max-p99 is judged on service time and says so; failures alone still fail the run (exit 1, not 3)', () => {
  // Only a latency threshold failing (judged on service time): still not judged, and the reason says on what.
  const onService = analyze(lagged({ p99Ms: 900, sources: [source()] }), { maxErrors: 0, maxP99Ms: 1 }).verdict;
  assert.equal(onService.latencyBasis, 'service');
  assert.ok(onService.inconclusive !== undefined);
  assert.ok(onService.reasons.some((x) => /^p99 service time \(latency less the generator's scheduling lag\) 5 ms, above the 1 ms allowed/.test(x)), onService.reasons.join('\n'));
  const failing = lagged({ p99Ms: 900, sources: [source()] });
  failing.failures = [fail(4000, 'reset')];
  failing.totals.failed = 1;
  const v = analyze(failing, { maxErrors: 0 }).verdict;
  assert.equal(v.pass, false);
  assert.equal(v.inconclusive, undefined, 'the failures are the target\'s answer whatever the lag');
  assert.match(v.reasons.join('\n'), /1 failed requests, more than the 0 allowed[\s\S]*the failures alone fail the run, though the generator fell behind/);
});

test('a loop busy far more than it ran on a CPU was starved by the machine: said so, not blamed on connections or the target', () => {
  const r = lagged({ p99Ms: 5000, kind: 'runner', sources: [source({ eventLoopUtilization: 0.4, cpuPercent: 5 }), source({ index: 1, eventLoopUtilization: 0.35, cpuPercent: 30 })] });
  assert.match(generatorBehind(r) ?? '', /runner 0's event loop was busy 40% of the time but ran on a CPU only 5%: other processes on this machine took the cores/);
});

test('spans behind that reach back past earlier ones are counted once', () => {
  const r = lagged({});
  const at = (ms: number) => r.intervals.find((s) => s.atMs === ms);
  const set = (ms: number, lagMs: number) => {
    const s = at(ms);
    if (s) s.lagP99Us = lagMs * 1000;
  };
  set(2000, 300);
  set(2500, 1000);
  set(3000, 2000);
  assert.deepEqual(behindSpans(r, 0, 10_000), [{ startMs: 1100, endMs: 3100 }]);
});

test('a lost runner share fails the run even when the other runners fell behind (exit 1, not 3)', () => {
  const r = lagged({ p99Ms: 900, kind: 'runner', sources: [source(), source({ index: 1 })] });
  r.meta.runners = [0, 1].map((index) => ({ index, name: `p${index}`, ratePerSec: 50, sent: 1, ok: 1, failed: 0, inFlightAtStop: 0, status: index === 1 ? 'lost' : 'finished', lostFromMs: 4000, lostReason: 'died', clock: { offsetMs: 0, uncertaintyMs: 1, method: 'ntp' } }));
  const v = analyze(r, { maxErrors: 0 }).verdict;
  assert.equal(v.pass, false);
  assert.equal(v.inconclusive, undefined);
  assert.ok(v.generatorBehind !== undefined);
  assert.ok(v.reasons.some((x) => x.startsWith('runner 1 ')));
});

test('a short run behind for under 400 ms is still judged (the lag moves --max-p99 onto service time only)', () => {
  const r = lagged({ fromMs: 1000, toMs: 1200, lagMs: 200, sources: [source()] });
  r.meta.recordedToMs = 2000;
  assert.equal(generatorBehind(r), null, 'a 300 ms hole in 2 s is 15 %, but under 400 ms');
  const longer = lagged({ fromMs: 1000, toMs: 1400, lagMs: 450, sources: [source()] });
  longer.meta.recordedToMs = 2000;
  assert.match(generatorBehind(longer) ?? '', /over 100 ms behind for 750 ms of the 2\.0 s recorded/);
});
