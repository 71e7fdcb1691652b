import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainNow } from '../../../src/dashboard/model/drain-now.js';
import { drainText } from '../../../src/dashboard/drain-line.js';
import { logLines } from '../../../src/dashboard/model/event-lines.js';
import { podRows } from '../../../src/dashboard/model/pod-rows.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { drainResults, statefulSetDrainResults } from '../../report/drain-results.js';
import { failure, snapshot } from '../fixtures.js';

// The live events of the drain as the dashboard sees them at `nowMs` (only what happened by then).
const upTo = (events: readonly ClusterEvent[], nowMs: number): ClusterEvent[] => events.filter((e) => e.atMs <= nowMs);
const drain = drainResults().events;

test('drainNow: under way, a refusal and the budget at 0; then the second eviction; then done', () => {
  assert.equal(drainNow(upTo(drain, 4000), 4000), null, 'no drain yet');
  const early = drainNow(upTo(drain, 5500), 5500);
  assert.deepEqual(early, { node: 'node-1', status: 'draining', evicted: 1, of: 2, refused: 1, forMs: 500, budget: { name: 'demo', disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 } });
  assert.equal(drainText(early).status, 'node-1 draining 500ms');
  assert.equal(drainText(early).rest, ': evicted 1/2, 429 ×1, PDB demo allows 0 (healthy 2/2)');
  const later = drainNow(upTo(drain, 10_500), 10_500);
  assert.deepEqual([later?.evicted, later?.refused, later?.budget?.disruptionsAllowed], [2, 1, 0]);
  const done = drainNow(drain, 15_000);
  assert.deepEqual([done?.status, done?.evicted, done?.of, done?.forMs, done?.budget?.disruptionsAllowed], ['done', 2, 2, 7000, 1]);
  assert.equal(drainText(done!).status, 'node-1 drained in 7.0s');
});

test('podRows: each pod names its node; a StatefulSet pod and its replacement on another node are two rows', () => {
  const rows = podRows(snapshot({ events: statefulSetDrainResults().events, okByPod: { 'demo-0': 30 } }), 12_000);
  assert.deepEqual(rows.map((r) => [r.pod, r.node, r.state, r.ok]), [
    ['demo-0', 'node-1', 'deleted (0)', 0],
    ['demo-1', 'node-2', 'ready', 0],
    ['demo-0 (2)', 'node-2', 'ready', 30],
  ]);
});

test('the event log: drain, cordon, evictions, the 429 naming its budget and the budget status', () => {
  const lines = logLines(upTo(drain, 6100), [], 40, 24, false).map((l) => l.text);
  const from = lines.indexOf('node-1 drain started');
  assert.ok(from >= 0, lines.join('\n'));
  assert.deepEqual(lines.slice(from), [
    'node-1 drain started',
    'node-1 node cordoned',
    'demo-a evicted from node-1',
    'demo-a terminating (grace 30s)',
    'demo-b eviction refused: 429 (PDB demo)',
    'demo-a SIGTERM',
    'demo-d created',
    'PDB demo: 0 disruptions allowed (healthy 2/2)',
    'demo-d ready',
    'PDB demo: 1 disruption allowed (healthy 3/2)',
  ]);
  assert.ok(logLines(drain, [], 40, 24, false).some((l) => l.text === 'node-1 drained: 2 evicted'));
});

test('the event log names failures and events by incarnation', () => {
  const events = statefulSetDrainResults().events;
  const lines = logLines(events, [failure(5500, 'reset', 'demo-0'), failure(9500, 'reset', 'demo-0')], 40, 24, false).map((l) => l.text);
  assert.ok(lines.includes('demo-0 (2) created'), lines.join('\n'));
  assert.ok(lines.includes('1 reset, demo-0: 497ms after SIGTERM'), lines.join('\n'));
  assert.ok(lines.includes('1 reset, demo-0 (2): 1.9s after ready'), lines.join('\n'));
});

test('podRows: pods all on one node with nothing happening to it leave the node column empty', () => {
  const one = drainResults().events.filter((e) => e.kind === 'pod-created' || e.kind === 'pod-ready').map((e) => (e.kind === 'pod-created' ? { ...e, node: 'node-1' } : e));
  assert.deepEqual([...new Set(podRows(snapshot({ events: one }), 12_000).map((r) => r.node))], ['']);
  assert.deepEqual([...new Set(podRows(snapshot({ events: [...one, { kind: 'drain-started', node: 'node-1', atMs: 5000 }] }), 12_000).map((r) => r.node))], ['node-1']);
});
