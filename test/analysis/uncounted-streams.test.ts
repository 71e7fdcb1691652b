// The verdict of an HTTP/2 or gRPC run judges what an application on a
// standard client sees: streams refused unprocessed (goaway_refused,
// stream_refused) do not fail it, unless --strict-streams; every other
// failure, a stream reset after it started above all, still does. Every
// verdict follows the one rule: the run's and each progressive rollout step's
// here, each scenario step's in test/scenario/step-verdict.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import { readThresholds } from '../../src/results/thresholds.js';
import { junitCases } from '../../src/report/junit-xml.js';
import { hiddenText } from '../../src/report/hidden-lines.js';
import { stepLines } from '../../src/report/step-lines.js';
import { createTextStyle } from '../../src/report/text-style.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { FailureKind, Thresholds } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

const burst = (kind: FailureKind, n: number, fromMs = 3000): ReturnType<typeof fail>[] =>
  Array.from({ length: n }, (_, i) => fail(fromMs + i * 5, kind, { streamId: 2 * i + 21, reused: true }));

const CASES: Array<{ name: string; kinds: Array<[FailureKind, number]>; thresholds: Thresholds; pass: boolean; uncounted?: number; reason: RegExp }> = [
  { name: 'refused by GOAWAY only', kinds: [['goaway_refused', 6]], thresholds: { maxErrors: 0 }, pass: true, uncounted: 6, reason: /^0 failed requests counted \(at most 0 allowed\)$/ },
  { name: 'REFUSED_STREAM only', kinds: [['stream_refused', 2]], thresholds: { maxErrors: 0 }, pass: true, uncounted: 2, reason: /^0 failed requests counted/ },
  { name: 'refused and one reset after it started', kinds: [['goaway_refused', 6], ['stream_reset', 1]], thresholds: { maxErrors: 0 }, pass: false, uncounted: 6, reason: /^1 failed requests counted, more than the 0 allowed/ },
  { name: 'a refused connect still fails', kinds: [['refused', 1]], thresholds: { maxErrors: 0 }, pass: false, reason: /^1 failed requests, more than the 0 allowed/ },
  { name: '--strict-streams counts them', kinds: [['goaway_refused', 6]], thresholds: { maxErrors: 0, strictStreams: true }, pass: false, reason: /^6 failed requests, more than the 0 allowed/ },
  { name: 'error rate without them', kinds: [['goaway_refused', 40]], thresholds: { maxErrorRate: 0.001 }, pass: true, uncounted: 40, reason: /^error rate 0% / },
  { name: 'outage without them', kinds: [['goaway_refused', 60]], thresholds: { maxOutageMs: 100 }, pass: true, uncounted: 60, reason: /^longest outage 0 ms/ },
];

for (const c of CASES) {
  test(`verdict, HTTP/2: ${c.name}`, () => {
    const failures = c.kinds.flatMap(([kind, n], i) => burst(kind, n, 3000 + i * 1000));
    const r = makeResults({ failures });
    const a = analyze(r, c.thresholds);
    assert.equal(a.verdict.pass, c.pass, a.verdict.reasons.join('\n'));
    assert.equal(a.verdict.uncounted?.neverProcessed, c.uncounted);
    assert.match(a.verdict.reasons[0] ?? '', c.reason);
    const said = a.verdict.reasons.some((x) => /refused before the server processed them .* not counted: a standard HTTP\/2 or gRPC client retries/.test(x));
    assert.equal(said, c.uncounted !== undefined, 'the reasons say what was left out, and why');
    if (c.uncounted !== undefined) assert.equal(analyze(r, { ...c.thresholds, strictStreams: true }).verdict.pass, false, 'counted, the same failures fail it');
  });
}

test('verdict, HTTP/2: the failure figures still count the refused streams; the hidden line says the verdict left them out', () => {
  const r = makeResults({ failures: burst('goaway_refused', 60) });
  r.analysis = analyze(r, { maxErrors: 0 });
  assert.equal(r.totals.failed, 60);
  assert.ok(r.analysis.longestOutageMs > 0, 'the outage windows are what each stream met');
  assert.equal(r.analysis.verdict.uncounted?.longestOutageMs, 0);
  assert.match(hiddenText(r) ?? '', /60 of 60 failures were never processed.*the verdict leaves them out \(--strict-streams counts them\)/);
  r.analysis = analyze(r, { maxErrors: 0, strictStreams: true });
  assert.match(hiddenText(r) ?? '', /the verdict counts them \(--strict-streams\)/);
});

test('verdict, HTTP/2: each JUnit threshold case judges as the verdict did', () => {
  const r = makeResults({ failures: burst('goaway_refused', 60) });
  r.analysis = analyze(r, { maxErrors: 0, maxOutageMs: 100 });
  const cases = junitCases({ results: r, label: 'run' } as Parameters<typeof junitCases>[0]).filter((x) => x.classname === 'rollcheck.verdict');
  assert.deepEqual(cases.map((x) => [x.name, x.failure === undefined]), [['--max-errors', true], ['--max-outage', true]]);
});

test('--strict-streams: read from a flag or a scenario value; anything else is a usage error', () => {
  assert.equal(readThresholds({ strictStreams: true }).strictStreams, true);
  assert.equal(readThresholds({ strictStreams: 'true' }).strictStreams, true);
  assert.equal(readThresholds({ strictStreams: 'false' }).strictStreams, undefined);
  assert.equal(readThresholds({}).strictStreams, undefined);
  assert.throws(() => readThresholds({ strictStreams: 'yes' }), /--strict-streams: cannot read "yes"; use true or false/);
});

test('verdict, HTTP/2: streams refused in the baseline (a maximum connection age\'s GOAWAYs) do not make it unclean, unless --strict-streams', () => {
  const r = makeResults({ failures: [...burst('goaway_refused', 3, 1000), ...burst('goaway_refused', 2, 6000)] });
  r.meta.phases = [{ phase: 'baseline', atMs: 0 }, { phase: 'rollout', atMs: 3000 }, { phase: 'stopping', atMs: 9_900 }];
  const v = analyze(r, { maxErrors: 0 }).verdict;
  assert.equal(v.pass, true, v.reasons.join('\n'));
  assert.equal(v.uncounted?.neverProcessed, 5);
  const strict = analyze(r, { maxErrors: 0, strictStreams: true }).verdict;
  assert.match(strict.inconclusive ?? '', /^the baseline was not clean: 3 requests failed before the rollout began/);
  // Any other failure in the baseline still makes it unclean.
  r.failures.push(fail(1500, 'stream_reset', { reused: true }));
  assert.match(analyze(r, { maxErrors: 0 }).verdict.inconclusive ?? '', /^the baseline was not clean: 1 request failed/);
});

// A canary in two steps; 60 streams refused unprocessed by the first step's GOAWAYs.
const CANARY: ClusterEvent[] = [
  { kind: 'rollout-step', strategy: 'canary', index: 0, step: 'setWeight 50%', action: 'set-weight', weight: 50, canaryRevision: 'new', stableRevision: 'old', atMs: 2000 },
  { kind: 'rollout-step', strategy: 'canary', index: 1, step: 'setWeight 100%', action: 'set-weight', weight: 100, canaryRevision: 'new', stableRevision: 'old', atMs: 5000 },
];

test('verdict, HTTP/2: each progressive rollout step leaves out what the run leaves out, and says so where the step is shown', () => {
  const r = makeResults({ failures: burst('goaway_refused', 60), events: CANARY });
  const thresholds: Thresholds = { maxErrors: 0, maxErrorRate: 0.001, maxOutageMs: 100 };
  r.analysis = analyze(r, thresholds);
  assert.equal(r.analysis.verdict.pass, true, r.analysis.verdict.reasons.join('\n'));
  const steps = r.analysis.rolloutSteps ?? [];
  assert.deepEqual(steps.map((s) => [s.step, s.failures, s.pass, s.uncounted?.neverProcessed]), [
    ['setWeight 50%', 60, true, 60],
    ['setWeight 100%', 0, true, undefined],
  ]);
  assert.ok((steps[0]?.longestOutageMs ?? 0) > 100, 'the step\'s own outage figure still counts the streams');
  assert.equal(steps[0]?.uncounted?.longestOutageMs, 0);
  assert.match(steps[0]?.reasons.join('\n') ?? '', /60 streams refused before the server processed them .* not counted/);
  const lines = stepLines(r.analysis, createTextStyle(false), 10, (s) => s).join('\n');
  assert.match(lines, /PASS canary 0 setWeight 50% .* 60 failed .*; 60 refused unprocessed, not counted/);
  // --strict-streams: the run and the step fail on them alike.
  const strict = analyze(r, { ...thresholds, strictStreams: true });
  assert.equal(strict.verdict.pass, false);
  assert.deepEqual(strict.rolloutSteps?.map((s) => [s.pass, s.uncounted]), [[false, undefined], [true, undefined]]);
  // A stream reset after it started still fails the step.
  const reset = makeResults({ failures: [...burst('goaway_refused', 60), fail(4000, 'stream_reset', { reused: true })], events: CANARY });
  const a = analyze(reset, thresholds);
  assert.deepEqual(a.rolloutSteps?.map((s) => s.pass), [false, true]);
  assert.match(a.rolloutSteps?.[0]?.reasons[0] ?? '', /^1 failed requests counted, more than the 0 allowed/);
});
