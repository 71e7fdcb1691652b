import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithBaseline, regressionsOf, withRegressions } from '../../src/analysis/regression.js';
import { parseRegressionLimits } from '../../src/analysis/regression-limits.js';
import { isUsageError } from '../../src/errors.js';
import type { Finding, Results } from '../../src/results/types.js';
import { makeResults } from './fixtures.js';

function run(o: { failed: number; p99Ms: number; outageMs: number; findings?: Array<Finding['id']> }): Results {
  const r = makeResults({ ratePerSec: 100, durationMs: 10_000 });
  r.totals.failed = o.failed;
  r.totals.latency.p99Us = o.p99Ms * 1000;
  const findings = (o.findings ?? []).map((id): Finding => ({ id, severity: 'critical', title: id, evidence: [], fix: '', pods: [], failures: 1 }));
  r.analysis = { windows: [], totalOutageMs: o.outageMs, longestOutageMs: o.outageMs, attributions: [], findings, verdict: { pass: true, reasons: ['0 failed requests (at most 0 allowed)'], thresholds: { maxErrors: 0 } } };
  return r;
}

const base = run({ failed: 2, p99Ms: 100, outageMs: 50, findings: ['keepalive-reset'] });

const CASES: Array<{ name: string; limits: string; current: Parameters<typeof run>[0]; regressed: string[] }> = [
  { name: 'same figures', limits: 'errors=0,p99=20%,outage=200ms,findings=0', current: { failed: 2, p99Ms: 100, outageMs: 50, findings: ['keepalive-reset'] }, regressed: [] },
  { name: 'one more failure', limits: 'errors=0', current: { failed: 3, p99Ms: 100, outageMs: 50 }, regressed: ['errors'] },
  { name: 'more failures within the count allowed', limits: 'errors=5', current: { failed: 7, p99Ms: 100, outageMs: 50 }, regressed: [] },
  { name: 'failures as a share of the baseline', limits: 'errors=50%', current: { failed: 4, p99Ms: 100, outageMs: 50 }, regressed: ['errors'] },
  { name: 'p99 within 20%', limits: 'p99=20%', current: { failed: 2, p99Ms: 120, outageMs: 50 }, regressed: [] },
  { name: 'p99 past 20%', limits: 'p99=20%', current: { failed: 2, p99Ms: 121, outageMs: 50 }, regressed: ['p99'] },
  { name: 'p99 past an absolute allowance', limits: 'p99=10ms', current: { failed: 2, p99Ms: 111, outageMs: 50 }, regressed: ['p99'] },
  { name: 'outage within 200ms', limits: 'outage=200ms', current: { failed: 2, p99Ms: 100, outageMs: 250 }, regressed: [] },
  { name: 'outage past 200ms', limits: 'outage=200ms', current: { failed: 2, p99Ms: 100, outageMs: 251 }, regressed: ['outage'] },
  { name: 'a new finding', limits: 'findings=0', current: { failed: 2, p99Ms: 100, outageMs: 50, findings: ['keepalive-reset', 'sigterm-ignored'] }, regressed: ['findings'] },
  { name: 'a finding gone is no regression', limits: 'findings=0', current: { failed: 2, p99Ms: 100, outageMs: 50 }, regressed: [] },
  { name: 'better everywhere', limits: 'errors=0,p99=0%,outage=0ms,p50=0ms', current: { failed: 0, p99Ms: 10, outageMs: 0 }, regressed: [] },
];

for (const c of CASES) {
  test(`regression against a baseline: ${c.name}`, () => {
    const cmp = compareWithBaseline(base, run(c.current), parseRegressionLimits(c.limits));
    assert.deepEqual(cmp.changes.filter((m) => m.regressed).map((m) => m.metric), c.regressed);
    assert.equal(cmp.regressions.length, c.regressed.length);
    for (const [i, metric] of c.regressed.entries()) assert.match(cmp.regressions[i] ?? '', new RegExp(`--max-regression ${metric}=`));
  });
}

test('the verdict gains the regressions: a pass fails with only them as reasons, a fail keeps its own reasons', () => {
  const cmp = compareWithBaseline(base, run({ failed: 9, p99Ms: 100, outageMs: 50 }), parseRegressionLimits('errors=0'));
  assert.deepEqual(cmp.regressions, ['regression against the baseline: 9 failed requests, up from 2 (--max-regression errors=0)']);
  const passed = withRegressions({ pass: true, reasons: ['checked'], thresholds: {} }, cmp.regressions);
  assert.deepEqual(passed, { pass: false, reasons: cmp.regressions, thresholds: {} });
  assert.deepEqual(regressionsOf(passed), cmp.regressions);
  const failed = withRegressions({ pass: false, reasons: ['9 failed requests'], thresholds: {} }, cmp.regressions);
  assert.deepEqual(failed.reasons, ['9 failed requests', ...cmp.regressions]);
  const same = { pass: true, reasons: ['checked'], thresholds: {} };
  assert.equal(withRegressions(same, []), same);
  assert.deepEqual(regressionsOf(same), []);
});

test('--max-regression: each mistake is a one-line usage error naming the fix', () => {
  for (const [text, message] of [
    ['errors', /give metric=allowance pairs from errors, outage, p50, p99, findings/],
    ['latency=20%', /cannot read "latency=20%"/],
    ['p99=20', /needs a unit or a %/],
    ['findings=10%', /findings take a count/],
    ['errors=-1', /number of 0 or more/],
    ['outage=soon', /cannot read "soon" as a duration/],
    ['', /no limits given/],
  ] as const) {
    assert.throws(() => parseRegressionLimits(text), (e: unknown) => isUsageError(e) && message.test((e as Error).message), text);
  }
  assert.deepEqual(parseRegressionLimits('errors=0, p99=20%,outage=1.5s'), { errors: { count: 0 }, p99: { percent: 20 }, outage: { ms: 1500 } });
});
