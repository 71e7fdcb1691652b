import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, buildPodTimelines, labelIncarnations } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { FailureKind } from '../../src/results/types.js';
import { buildReportData } from '../../src/report/report-data.js';
import { podRows } from '../../src/dashboard/model/pod-rows.js';
import { formatSummary } from '../../src/report/summary.js';
import { fail, makeResults, pid1Event } from './fixtures.js';

// A StatefulSet's web-2: the old pod (u-old, a shell PID 1) is deleted at 5 s, SIGKILLed at
// 8 s, gone at 8.1 s; the controller then creates web-2 again (u-new), ready at 9 s.
// Endpoint events carry no UID (a slice without targetRef.uid): they join the pod alive then.
const OLD = 'u-old';
const NEW = 'u-new';
const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'web-2', podUid: OLD, revision: 'r1', atMs: -5000 },
  { kind: 'pod-ready', pod: 'web-2', podUid: OLD, atMs: -4000 },
  { kind: 'endpoint-added', pod: 'web-2', atMs: -3900 },
  { ...pid1Event('web-2', -4000), podUid: OLD } as ClusterEvent,
  { kind: 'rollout-started', revision: 'r2', trigger: 'restart', atMs: 4900 },
  { kind: 'pod-terminating', pod: 'web-2', podUid: OLD, graceMs: 3000, atMs: 5000 },
  { kind: 'sigterm', pod: 'web-2', podUid: OLD, atMs: 5001 },
  { kind: 'endpoint-not-ready', pod: 'web-2', terminating: true, atMs: 5100 },
  { kind: 'sigkill', pod: 'web-2', podUid: OLD, atMs: 8001 },
  { kind: 'exited', pod: 'web-2', podUid: OLD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 3000, atMs: 8003 },
  { kind: 'endpoint-removed', pod: 'web-2', atMs: 8050 },
  { kind: 'pod-deleted', pod: 'web-2', podUid: OLD, atMs: 8100 },
  { kind: 'pod-created', pod: 'web-2', podUid: NEW, revision: 'r2', atMs: 8200 },
  { kind: 'pod-started', pod: 'web-2', podUid: NEW, atMs: 8300 },
  { kind: 'pod-ready', pod: 'web-2', podUid: NEW, atMs: 9000 },
  { kind: 'endpoint-added', pod: 'web-2', atMs: 9010 },
];

const cases: Array<{ name: string; atMs: number; kind: FailureKind; reused: boolean; pod: string }> = [
  { name: 'a reset on the old pod while it ignores SIGTERM', atMs: 5500, kind: 'reset', reused: true, pod: 'web-2' },
  { name: 'a reset at its SIGKILL', atMs: 8002, kind: 'reset', reused: true, pod: 'web-2' },
  { name: 'after the new pod exists but before it is ready: still the old one', atMs: 8500, kind: 'reset', reused: true, pod: 'web-2' },
  { name: 'after the new pod turned ready: the new one', atMs: 9500, kind: 'reset', reused: true, pod: 'web-2 (2)' },
];

const results = makeResults({
  durationMs: 12_000,
  events,
  failures: cases.map((c) => fail(c.atMs, c.kind, { reused: c.reused, pod: 'web-2' })),
});
const analysis = analyze(results, { maxErrors: 0 });

for (const [i, c] of cases.entries()) {
  test(`a failure with pod header web-2: ${c.name} → ${c.pod}`, () => {
    const a = analysis.attributions.find((x) => x.failure === i);
    assert.equal(a?.pod, c.pod, a?.text);
  });
}

test('two incarnations of web-2 are two timelines: the old one SIGKILLed, the new one ready', () => {
  const timelines = buildPodTimelines(labelIncarnations(events));
  assert.deepEqual(timelines.map((t) => t.pod), ['web-2', 'web-2 (2)']);
  const [old, now] = timelines;
  assert.equal(old?.exitCode, 137);
  assert.equal(old?.state, 'deleted');
  assert.equal(now?.state, 'ready');
  assert.equal(now?.revision, 'r2');
});

test('sigterm-ignored names the old incarnation only', () => {
  const f = analysis.findings.find((x) => x.id === 'sigterm-ignored');
  assert.ok(f, `findings: ${analysis.findings.map((x) => x.id).join(', ')}`);
  const text = JSON.stringify(f);
  assert.match(text, /web-2/);
  assert.doesNotMatch(text, /web-2 \(2\)/);
});

test('the report has one lane per incarnation and names failures by incarnation', () => {
  const data = buildReportData({ ...results, analysis });
  assert.deepEqual(data.lanes.map((l) => l.pod), ['web-2', 'web-2 (2)']);
  assert.deepEqual(data.table.rows.map((r) => r[3]), cases.map((c) => c.pod));
});

test('the terminal summary\'s timeline names each second\'s pod events by incarnation', () => {
  const r = makeResults({ durationMs: 12_000, events, failures: [fail(8002, 'reset', { reused: true, pod: 'web-2' }), fail(9500, 'reset', { reused: true, pod: 'web-2' })] });
  r.analysis = analyze(r, { maxErrors: 0 });
  const text = formatSummary(r, { color: false, width: 120 });
  assert.match(text, /\n\s+8 s\s+█+\s+1\s+1 reset\s+web-2: SIGKILL, exit 137, endpoint removed\n/);
  assert.match(text, /\n\s+9 s\s+█+\s+1\s+1 reset\s+web-2 \(2\): ready\n/);
});

test('the dashboard shows a row per incarnation; the live counts by name go to the newest', () => {
  const rows = podRows({ events, okByPod: { 'web-2': 40 }, failuresByPod: { 'web-2': 4 } } as never, 12_000);
  assert.deepEqual(rows.map((r) => [r.pod, r.ok, r.gone]), [['web-2', 0, true], ['web-2 (2)', 40, false]]);
});

test('events without UIDs (older files) keep one pod per name', () => {
  const plain = events.map((e) => ({ ...e, podUid: undefined }) as ClusterEvent);
  assert.deepEqual(buildPodTimelines(labelIncarnations(plain)).map((t) => t.pod), ['web-2']);
});
