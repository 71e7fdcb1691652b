import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { buildReportData } from '../../src/report/report-data.js';
import { renderReport } from '../../src/report/index.js';
import { loadResults } from '../../src/results/io.js';
import { nodeFacts } from '../../src/analysis/node-facts.js';
import { labelIncarnations } from '../../src/analysis/incarnations.js';
import { drainResults, statefulSetDrainResults } from './drain-results.js';
import { sampleResults } from './sample-results.js';
import { withDir } from '../results/io-helpers.js';

test('node facts: the drain, its pods at the start, its evictions and the refusal naming the budget', () => {
  const f = nodeFacts(drainResults().events);
  assert.ok(f);
  assert.deepEqual(f.nodes, ['node-1', 'node-2']);
  assert.deepEqual(f.cordons, [{ node: 'node-1', fromMs: 5000, toMs: null }]);
  const [d] = f.drains;
  assert.deepEqual([d?.node, d?.startMs, d?.endMs, d?.ok, d?.evictedCount], ['node-1', 5000, 12_000, true, 2]);
  assert.deepEqual(d?.podsAtStart, ['demo-a', 'demo-b']);
  assert.deepEqual(d?.evictions.map((m) => [m.pod, m.refused, m.pdb ?? '']), [['demo-a', false, ''], ['demo-b', true, 'demo'], ['demo-b', false, '']]);
  assert.equal(nodeFacts(sampleResults().events), null, 'a run without nodes has no node facts');
});

test('report data: node bands, the per-node table, budget steps and lanes grouped by node with eviction marks', () => {
  const data = buildReportData(drainResults());
  const N = data.nodes;
  assert.ok(N);
  assert.deepEqual(N.bands, [
    { node: 'node-1', cordons: [[5, null]], drains: [{ s: 5, e: 12, ok: true, evicted: 2, of: 2 }] },
    { node: 'node-2', cordons: [], drains: [] },
  ]);
  assert.deepEqual(N.table.map((r) => [r.node, r.before, r.after, r.evicted, r.refused, r.refusedBy.join(), r.failures]), [
    ['node-1', 2, 0, 2, 1, 'demo', 2],
    ['node-2', 1, 3, 0, 0, '', 0],
  ]);
  assert.deepEqual(N.table[0]?.drain, { s: 5, e: 12 });
  assert.equal(N.table[0]?.refusedUnseen, undefined);
  // Someone else's drain (inferred): its 429s never reach the API, so the table cannot say "0 refused".
  const outside = drainResults();
  outside.events = outside.events.filter((e) => e.kind !== 'eviction-refused').map((e) => (e.kind === 'drain-started' ? { ...e, inferred: true } : e));
  assert.deepEqual(buildReportData(outside).nodes?.table.map((r) => [r.node, r.refused, r.refusedUnseen ?? false]), [['node-1', 0, true], ['node-2', 0, false]]);
  // disruptionsAllowed as steps: 1, down to 0 while a replacement starts, back to 1; the last value holds to the end.
  // (each change also has a point 1 ms before it with the old value, for the legend under the cursor).
  assert.deepEqual(N.budgets?.t, [-3.901, -3.9, 5.003, 5.004, 6.003, 6.004, 10.003, 10.004, 11.003, 11.004, 15]);
  assert.deepEqual(N.budgets?.budgets, [{ name: 'demo', allowed: [null, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1] }]);
  assert.deepEqual(data.lanes.map((l) => `${l.node}:${l.pod}`), ['node-1:demo-a', 'node-1:demo-b', 'node-2:demo-c', 'node-2:demo-d', 'node-2:demo-e']);
  const b = data.lanes.find((l) => l.pod === 'demo-b');
  assert.deepEqual(b?.marks.filter((m) => m.kind.startsWith('evict')), [
    { kind: 'eviction-refused', t: 5.002, label: '429 demo' },
    { kind: 'evicted', t: 10.001 },
  ]);
  assert.deepEqual(data.marks.filter((m) => m.kind === 'drain').map((m) => [m.t, m.label]), [[5, 'drain node-1'], [12, 'drain node-1 done']]);
});

test('report data: a run without node facts draws no node rows and keeps its lane order', () => {
  const data = buildReportData(sampleResults());
  assert.equal(data.nodes, null);
  assert.ok(data.lanes.every((l) => l.node === undefined));
  assert.doesNotMatch(renderReport(sampleResults()), /"nodes":\{/);
});

test('an older results file (v1, no node facts) still renders, with the nodes section left out', () => {
  withDir((dir) => {
    const path = join(dir, 'old.json');
    const r = sampleResults();
    writeFileSync(path, JSON.stringify({ ...r, schema: 'rollcheck.results/v1' }));
    const html = renderReport(loadResults(path));
    assert.match(html, /"nodes":null/);
    assert.match(html, /<section id="nodes-section" hidden>/);
  });
});

test('a StatefulSet pod replaced under its name: lanes, node rows, connection lanes and stream share name each incarnation', () => {
  const r = statefulSetDrainResults();
  const data = buildReportData(r);
  assert.deepEqual(data.lanes.map((l) => `${l.node}:${l.pod}`), ['node-1:demo-0', 'node-2:demo-1', 'node-2:demo-0 (2)']);
  assert.deepEqual(data.nodes?.bands.map((b) => [b.node, b.cordons]), [['node-1', [[5, 9]]], ['node-2', []]]);
  assert.deepEqual(data.nodes?.table.map((t) => [t.node, t.before, t.after, t.failures]), [['node-1', 1, 0, 1], ['node-2', 1, 2, 1]]);
  assert.deepEqual(data.table.rows.map((row) => row[3]), ['demo-0', 'demo-0 (2)']);
  // The connection opened at 0.1 s went to the first demo-0, the one at 7.7 s to its replacement.
  assert.deepEqual(data.connections?.lanes.map((l) => [l.pod, l.conns.length]), [['demo-0', 1], ['demo-0 (2)', 1], ['demo-1', 1]]);
  assert.deepEqual([...(data.connections?.share.pods ?? [])].sort(), ['demo-0', 'demo-0 (2)', 'demo-1']);
  const share = data.connections?.share;
  const at = (pod: string, t: number): number => share?.pct[share.pods.indexOf(pod)]?.[data.series.t.indexOf(t)] ?? -1;
  assert.equal(at('demo-0', 1), 50);
  assert.equal(at('demo-0 (2)', 1), 0);
  assert.equal(at('demo-0 (2)', 10), 50);
  assert.equal(at('demo-0', 10), 0);
  assert.equal(labelIncarnations(r.events).filter((e) => e.kind === 'pod-created').length, 3);
});

test('report data: pods all on one node with no cordon, drain, eviction or budget leave the nodes out', () => {
  const r = drainResults();
  r.events = r.events.filter((e) => e.kind === 'pod-created' || e.kind === 'pod-ready').map((e) => (e.kind === 'pod-created' ? { ...e, node: 'node-1' } : e));
  assert.equal(buildReportData(r).nodes, null);
  r.events.push({ kind: 'node-cordoned', node: 'node-1', atMs: 3000 });
  assert.deepEqual(buildReportData(r).nodes?.bands, [{ node: 'node-1', cordons: [[3, null]], drains: [] }]);
});
