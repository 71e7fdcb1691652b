import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary } from '../../src/report/index.js';
import { makeResults } from '../analysis/fixtures.js';
import { analyze } from '../../src/analysis/index.js';
import { sampleResults } from './sample-results.js';
import { drainResults, statefulSetDrainResults } from './drain-results.js';

test('summary: rate, outcomes split by connection, timeline with pod events, outages, findings, verdict', () => {
  const text = formatSummary(sampleResults(), { color: false, width: 100 });
  assert.match(text, /^rollcheck local → http:\/\/127\.0\.0\.1:18080\//);
  assert.match(text, /rate\s+100\/s achieved of 100\/s target/);
  assert.match(text, /requests\s+ok 1961 · failed 39 \(1\.95%\)/);
  assert.match(text, /new conns\s+\d+ done, 30 failed: 30 refused/);
  assert.match(text, /reused\s+\d+ done, 9 failed: 1 HTTP 5xx, 8 reset/);
  assert.match(text, /latency\s+p50 2\.0 ms {2}p90 4\.0 ms {2}p99 60\.0 ms/);
  // The burst at 7 s sits next to the SIGKILL of the pod that caused it.
  assert.match(text, /\n\s+7 s\s+█+\s+3\s+3 reset\s+demo-5d8f-a1b2c: SIGKILL, exit 137/);
  assert.match(text, /outages\s+4 windows, longest 300 ms/);
  assert.match(text, /\n\s+7\.00 s –\s+7\.02 s\s+11 ms\s+3 failures\s+\(demo-5d8f-a1b2c\)/);
  assert.match(text, /✖ critical sigterm-ignored: 3 pods ignored SIGTERM/);
  assert.match(text, /fix: Make the app PID 1/);
  assert.match(text, /verdict\s+FAIL\n\s+· 39 failed requests, more than the 0 allowed \(--max-errors\)\n\s+exit 1/);
  assert.ok(!text.includes('\u001b['), 'no colour codes when color is off');
  for (const line of text.split('\n')) if (!/^\s+\d+ s\s+█/.test(line)) assert.ok(line.length <= 100, `too wide: ${line}`);
});

test('summary: a clean run passes and says so; colour codes only when asked', () => {
  const r = makeResults();
  r.analysis = analyze(r, { maxErrors: 0 });
  const plain = formatSummary(r, { color: false, width: 80 });
  assert.match(plain, /failed 0 \(0%\)/);
  assert.match(plain, /outages\s+none/);
  assert.doesNotMatch(plain, /timeline|findings/);
  assert.match(plain, /verdict\s+PASS\n\s+· 0 failed requests \(at most 0 allowed\)\n\s+exit 0/);
  assert.ok(formatSummary(r, { color: true, width: 80 }).includes('\u001b[32m'));
});

test('summary: an interrupted run says exit 130', () => {
  const r = sampleResults();
  r.meta.interrupted = true;
  assert.match(formatSummary(r, { color: false, width: 100 }), /exit 130/);
});

test('summary: control characters from a hostile results file are neutralised', () => {
  const r = sampleResults();
  r.meta.target = 'http://x/\u001b[2J\u001b]0;pwned\u0007';
  const text = formatSummary(r, { color: false, width: 100 });
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'));
});

test('summary: a drain line names the node, the pods evicted of those it held, the 429s with their budget, and how long it took', () => {
  const text = formatSummary(drainResults(), { color: false, width: 120 });
  assert.match(text, /\ndrain {6}node-1: 2 of 2 pods evicted, 1 eviction refused \(429, PDB demo\), took 7\.0 s\n/);
  const unfinished = drainResults();
  unfinished.events = unfinished.events.filter((e) => e.kind !== 'drain-finished');
  assert.match(formatSummary(unfinished, { color: false, width: 120 }), /drain {6}node-1: 2 of 2 pods evicted, 1 eviction refused \(429, PDB demo\), not finished by the end of the run/);
  assert.doesNotMatch(formatSummary(sampleResults(), { color: false, width: 120 }), /\ndrain /);
  // A drain someone else ran (seen, inferred): a 429 it met leaves nothing in the API, so "none refused" would be a guess.
  const outside = drainResults();
  outside.events = outside.events.filter((e) => e.kind !== 'eviction-refused').map((e) => (e.kind === 'drain-started' ? { ...e, inferred: true } : e));
  assert.match(formatSummary(outside, { color: false, width: 120 }), /drain {6}node-1: 2 of 2 pods evicted, 429s not seen \(someone else's drain\), took 7\.0 s/);
});

test('summary: the failure timeline names a StatefulSet pod by incarnation', () => {
  const text = formatSummary(statefulSetDrainResults(), { color: false, width: 120 });
  assert.match(text, /\n\s+5 s\s+█+\s+1\s+1 reset\s+demo-0: terminating, SIGTERM\n/);
  assert.match(text, /\n\s+9 s\s+█+\s+1\s+1 reset\s*\n/);
  const events = statefulSetDrainResults();
  events.events.push({ kind: 'pod-terminating', pod: 'demo-0', podUid: 'uid-demo-0-6600', graceMs: 30_000, atMs: 9400 });
  assert.match(formatSummary(events, { color: false, width: 120 }), /\n\s+9 s\s+█+\s+1\s+1 reset\s+demo-0 \(2\): terminating\n/);
});

test('summary: the streams a standard client would have retried are told by incarnation (demo-0 and demo-0 (2)), not summed under the name', () => {
  const r = statefulSetDrainResults();
  r.failures = r.failures.map((f) => ({ ...f, kind: 'goaway_refused' as const }));
  r.totals.hiddenByStandardClient = { total: 2, byPod: { 'demo-0': 2 } };
  const text = formatSummary(r, { color: false, width: 200 });
  assert.match(text, /hidden +by a standard client: 2 of 2 failures were never processed [\s\S]* by pod: demo-0 1, demo-0 \(2\) 1\n/);
});
