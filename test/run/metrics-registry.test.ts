import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetricsRegistry } from '../../src/run/outputs/metrics-registry.js';
import { figuresFromResults } from '../../src/run/outputs/metrics-figures.js';
import { mergeEncoded } from '../../src/results/histogram.js';
import { createHistogram, recordUs } from '../../src/results/histogram.js';
import { sampleResults } from '../report/sample-results.js';

function valueOf(text: string, line: string): number {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  assert.ok(hit, `no ${line} in the exposition`);
  return Number(hit.slice(line.length + 1));
}

test('metrics: the exposition of a finished run has the results\' counts, names after Prometheus conventions', async () => {
  const r = sampleResults();
  const registry = createMetricsRegistry(() => figuresFromResults(r), () => mergeEncoded(r.intervals.map((i) => i.histogram)));
  const text = await registry.metrics();
  for (const [kind, n] of Object.entries(r.totals.byConn.reused.byKind)) assert.equal(valueOf(text, `rollcheck_requests_total{outcome="${kind}",connection="reused"}`), n);
  assert.equal(valueOf(text, 'rollcheck_requests_sent_total'), r.totals.sent);
  assert.equal(valueOf(text, 'rollcheck_pods{state="exited"}'), 3);
  assert.equal(valueOf(text, 'rollcheck_pods{state="ready"}'), 3);
  assert.equal(valueOf(text, 'rollcheck_rollouts_total{event="completed"}'), 1);
  assert.equal(valueOf(text, 'rollcheck_verdict{verdict="fail"}'), 1);
  assert.equal(valueOf(text, 'rollcheck_findings{id="sigterm-ignored",severity="critical"}'), r.analysis?.findings.find((f) => f.id === 'sigterm-ignored')?.failures);
  // Counters end in _total, times are in seconds, rates per second.
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name = '', type] = m;
    assert.match(name, /^rollcheck_[a-z_]+$/);
    if (type === 'counter') assert.match(name, /_total$/, name);
    else assert.doesNotMatch(name, /_total$/, name);
    assert.doesNotMatch(name, /_(ms|us|millis)/, name);
  }
});

test('metrics: the latency histogram counts each recorded value into every bucket at or above it, in seconds', async () => {
  const h = createHistogram();
  for (const us of [500, 800, 3000, 40_000, 40_000, 2_000_000]) recordUs(h, us);
  const r = sampleResults();
  const text = await createMetricsRegistry(() => figuresFromResults(r), () => h).metrics();
  const bucket = (le: string): number => valueOf(text, `rollcheck_request_latency_seconds_bucket{le="${le}"}`);
  assert.deepEqual(['0.001', '0.0025', '0.005', '0.05', '1', '2.5', '+Inf'].map(bucket), [2, 2, 3, 5, 5, 6, 6]);
  assert.equal(valueOf(text, 'rollcheck_request_latency_seconds_count'), 6);
  assert.ok(Math.abs(valueOf(text, 'rollcheck_request_latency_seconds_sum') - 2.0843) < 0.005);
});

test('the Grafana dashboard asks only for metrics rollcheck serves', async () => {
  const r = sampleResults();
  const registry = createMetricsRegistry(() => figuresFromResults(r), () => createHistogram());
  const served = new Set(registry.getMetricsAsArray().map((m) => m.name));
  const text = readFileSync(new URL('../../manifests/grafana/rollcheck-dashboard.json', import.meta.url), 'utf8');
  const asked = new Set([...text.matchAll(/rollcheck_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')));
  assert.ok(asked.size >= 10);
  for (const name of asked) assert.ok(served.has(name), `${name} is not served`);
});
