import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJunit } from '../../src/report/junit-xml.js';
import { compareWithBaseline } from '../../src/analysis/regression.js';
import { parseRegressionLimits } from '../../src/analysis/regression-limits.js';
import { skipUnless } from '../tools.js';
import { sampleResults } from './sample-results.js';
import { validateJunit } from './junit-schema.js';

const skip = skipUnless('xmllint');

function count(xml: string, re: RegExp): number {
  return (xml.match(re) ?? []).length;
}

test('JUnit: the sample run validates against the JUnit schema, with a failed case per finding and per broken threshold', { skip }, () => {
  const r = sampleResults();
  r.meta.phases = [
    { phase: 'baseline', atMs: 0 },
    { phase: 'rollout', atMs: 3000 },
    { phase: 'cooldown', atMs: 17_200 },
    { phase: 'stopping', atMs: 20_000 },
  ];
  const xml = formatJunit([{ results: r }]);
  const v = validateJunit(xml);
  assert.ok(v.ok, v.output);
  const cases = count(xml, /<testcase /g);
  assert.match(xml, new RegExp(`<testsuite name="[^"]*" tests="${cases}" failures="${count(xml, /<failure /g)}" errors="0"`));
  const findings = r.analysis?.findings ?? [];
  assert.ok(findings.some((f) => f.id === 'sigterm-ignored'));
  for (const f of findings) assert.match(xml, new RegExp(`classname="rollcheck.findings" name="${f.id}"`));
  const sigterm = /name="sigterm-ignored"[^>]*>\s*<failure type="critical" message="([^"]*)">([^<]*)<\/failure>/.exec(xml);
  assert.ok(sigterm, 'sigterm-ignored is a failed case');
  assert.match(sigterm[1] ?? '', /Fix: /);
  assert.match(sigterm[2] ?? '', /^evidence: /m);
  assert.match(sigterm[2] ?? '', /^fix: /m);
  assert.match(xml, /<testcase classname="rollcheck.verdict" name="--max-errors" time="0.000">\s*<failure type="threshold"/);
  // The plan's phases, each with its time and its failures.
  assert.match(xml, /classname="rollcheck.rollout" name="baseline" time="3.000">\s*<system-out>0.00 s to 3.00 s: 1 failed request</);
  assert.match(xml, /classname="rollcheck.rollout" name="rollout" time="14.200">\s*<system-out>3.00 s to 17.20 s: 8 failed requests</);
  assert.match(xml, /classname="rollcheck.rollout" name="cooldown" time="2.800">/);
});

test('JUnit: markup and control characters in names and messages stay text, and the file stays valid', { skip }, () => {
  const r = sampleResults({ hostile: true });
  const f = r.analysis?.findings[0];
  if (f) f.evidence.push('a NUL \u0000 and an escape \u001b[31m in a message');
  const xml = formatJunit([{ results: r }]);
  const v = validateJunit(xml);
  assert.ok(v.ok, v.output);
  assert.doesNotMatch(xml, /<script>/);
  assert.ok(!xml.includes('\u0000') && !xml.includes('\u001b'), 'no control characters');
});

test('JUnit: several runs are several suites; scenario steps and baseline regressions are cases', { skip }, () => {
  const a = sampleResults();
  const b = sampleResults();
  b.meta.params.variant = 'exec';
  const step = (index: number, name: string, startMs: number, endMs: number, failures: number) =>
    ({ index, step: name, startMs, endMs, ok: true, failures, completed: 100, pass: failures === 0, reasons: failures ? [`${failures} failed requests, more than the 0 allowed`] : [] });
  b.scenario = { name: 'game day', file: 'day.yaml', pass: false, steps: [step(0, 'rollout restart', 3000, 17_200, 9), step(1, 'wait 1s', 17_200, 18_200, 0)] };
  const base = sampleResults();
  base.totals.failed = 0;
  const comparison = compareWithBaseline(base, b, parseRegressionLimits('errors=0,p99=20%'));
  const xml = formatJunit([{ results: a }, { results: b, comparison }]);
  const v = validateJunit(xml);
  assert.ok(v.ok, v.output);
  assert.equal(count(xml, /<testsuite /g), 2);
  assert.match(xml, /name="1. rollout restart" time="14.200">\s*<failure type="step-verdict"/);
  assert.match(xml, /name="2. wait 1s" time="1.000">\s*<system-out>/);
  assert.match(xml, /classname="rollcheck.baseline" name="errors" time="0.000">\s*<failure type="regression" message="regression against the baseline: \d+ failed requests, up from 0/);
  assert.match(xml, /classname="rollcheck.baseline" name="p99" time="0.000">\s*<system-out>/);
  const total = count(xml, /<testcase /g);
  assert.match(xml, new RegExp(`<testsuites name="rollcheck" tests="${total}" failures="${count(xml, /<failure /g)}"`));
});

test('JUnit schema check is real: a case without a classname or a count that is not a number is rejected', { skip }, () => {
  const good = formatJunit([{ results: sampleResults() }]);
  assert.ok(validateJunit(good).ok);
  assert.equal(validateJunit(good.replace(/ classname="[^"]*"/, '')).ok, false);
  assert.equal(validateJunit(good.replace(/ tests="\d+"/, ' tests="many"')).ok, false);
});
