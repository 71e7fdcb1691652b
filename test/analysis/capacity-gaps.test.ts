// The findings of capacity gaps: no-surge-capacity (a StatefulSet's or a
// surge-less DaemonSet's update left fewer pods than the traffic needed) and
// node-local-gap (a node-local Service's entry node had no pod), table-driven
// over synthetic runs; each case says which finding claims the failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { ClusterTarget, FailureRecord } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

// Two pods of a StatefulSet, each on its node: web-1 is replaced between 4 s and 6 s (routed
// again at 6 s), web-0 between 6 s and 8 s. Traffic runs 0-10 s.
function pod(name: string, uid: string, node: string, fromMs: number, toMs: number | null): ClusterEvent[] {
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod: name, podUid: uid, revision: fromMs < 0 ? 'r1' : 'r2', node, atMs: fromMs - 500 },
    { kind: 'pod-ready', pod: name, podUid: uid, atMs: fromMs - 10 },
    { kind: 'endpoint-added', pod: name, podUid: uid, atMs: fromMs },
  ];
  if (toMs === null) return events;
  return [
    ...events,
    { kind: 'pod-terminating', pod: name, podUid: uid, graceMs: 30_000, reason: 'rolling update', atMs: toMs - 100 },
    { kind: 'endpoint-not-ready', pod: name, podUid: uid, terminating: true, atMs: toMs - 100 },
    { kind: 'endpoint-removed', pod: name, podUid: uid, atMs: toMs },
    { kind: 'sigterm', pod: name, podUid: uid, atMs: toMs + 50 },
    { kind: 'exited', pod: name, podUid: uid, exitCode: 0, signal: null, afterSigtermMs: 100, atMs: toMs + 150 },
    { kind: 'pod-deleted', pod: name, podUid: uid, atMs: toMs + 160 },
  ];
}

const UNSORTED: ClusterEvent[] = [
  ...pod('web-0', 'a0', 'node-1', -1000, 6000),
  ...pod('web-1', 'a1', 'node-2', -1000, 4000),
  { kind: 'rollout-started', revision: 'r2', trigger: 'restart', atMs: 3900 },
  ...pod('web-1', 'b1', 'node-2', 6000, null),
  ...pod('web-0', 'b0', 'node-1', 8000, null),
  { kind: 'rollout-complete', revision: 'r2', atMs: 7990 },
];
const EVENTS = [...UNSORTED].sort((a, b) => a.atMs - b.atMs);

const overloaded = (fromMs: number, toMs: number, everyMs: number): FailureRecord[] => {
  const out: FailureRecord[] = [];
  for (let t = fromMs; t < toMs; t += everyMs) out.push(fail(t, 'http_5xx', { status: 503, reused: true, pod: t < 6000 ? 'web-0' : 'web-1' }));
  return out;
};

const cases: Array<{ name: string; cluster?: Partial<ClusterTarget>; failures: FailureRecord[]; expect: string | null }> = [
  { name: 'StatefulSet, 503s all through its gaps → no-surge-capacity', cluster: { workload: { kind: 'statefulset', name: 'web' } }, failures: overloaded(4300, 7900, 100), expect: 'no-surge-capacity' },
  { name: 'DaemonSet without surge, the same → no-surge-capacity', cluster: { workload: { kind: 'daemonset', name: 'web' } }, failures: overloaded(4300, 7900, 100), expect: 'no-surge-capacity' },
  { name: 'a Deployment: not this finding (its surge is the fix it already has)', cluster: { workload: { kind: 'deployment', name: 'web' } }, failures: overloaded(4300, 7900, 100), expect: null },
  { name: 'as many 503s before the update as during it: the app, not the gaps', cluster: { workload: { kind: 'statefulset', name: 'web' } }, failures: [...overloaded(300, 3800, 100), ...overloaded(4300, 7900, 100)], expect: null },
  { name: 'two 503s in the gaps are too few to name a mechanism', cluster: { workload: { kind: 'statefulset', name: 'web' } }, failures: overloaded(4300, 4500, 100), expect: null },
  {
    name: 'resets in the gaps are not capacity (a cut connection)',
    cluster: { workload: { kind: 'statefulset', name: 'web' } },
    failures: [4300, 4400, 4500, 4600, 5000].map((t) => fail(t, 'reset', { reused: true })),
    expect: null,
  },
  {
    name: 'node-local Service entering on node-2, whose only pod was out 4-6 s → node-local-gap',
    cluster: { workload: { kind: 'daemonset', name: 'web' }, trafficPolicy: { node: 'node-2' } },
    failures: [4100, 4300, 4700, 5200, 5600, 5900].map((t) => fail(t, 'other', { errorCode: 'HTTPParserError' })),
    expect: 'node-local-gap',
  },
  {
    name: 'node-local on node-2, failures while node-1 was out: not node-2 gap',
    cluster: { workload: { kind: 'daemonset', name: 'web' }, trafficPolicy: { node: 'node-2' } },
    failures: [6300, 6500, 6900, 7200].map((t) => fail(t, 'other', { errorCode: 'HTTPParserError' })),
    expect: null,
  },
];

for (const c of cases) {
  test(`capacity gaps: ${c.name}`, () => {
    const results = makeResults({ durationMs: 10_000, events: EVENTS, failures: c.failures });
    if (c.cluster) results.meta.cluster = { driver: 'local', ...c.cluster };
    const ids = analyze(results, {}).findings.map((f) => f.id);
    const ours = ids.filter((id) => id === 'no-surge-capacity' || id === 'node-local-gap');
    assert.deepEqual(ours, c.expect ? [c.expect] : [], ids.join(', '));
    if (c.expect) {
      const finding = analyze(results, {}).findings.find((f) => f.id === c.expect);
      assert.equal(finding?.failures, c.failures.length, 'every failure in the gaps is claimed');
    }
  });
}

test('no-surge-capacity names each gap with how many pods served', () => {
  const results = makeResults({ durationMs: 10_000, events: EVENTS, failures: overloaded(4300, 7900, 100) });
  results.meta.cluster = { driver: 'local', workload: { kind: 'statefulset', name: 'web' } };
  const finding = analyze(results, {}).findings.find((f) => f.id === 'no-surge-capacity');
  assert.ok(finding);
  assert.match(finding.evidence[0] ?? '', /^4\.00 s–8\.00 s \(4\.0 s\): 1 of 2 pods ready in the Service, 36 requests failed$/);
  assert.match(finding.title, /36 requests failed while the StatefulSet update left fewer ready pods than the traffic needed/);
});
