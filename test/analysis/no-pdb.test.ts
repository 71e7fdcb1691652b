// The no-pdb rule, from events alone: how many ready pods a drain's evictions
// took at once against how many they left, and whether a budget covered them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { fail, makeResults } from './fixtures.js';

// Three ready pods (a, b on node-1; c on node-2); node-1 drained at 3 s.
function drain(o: { evictAtMs: [number, number]; replacementReadyMs: [number, number]; pdb?: boolean }): ClusterEvent[] {
  const [ea, eb] = o.evictAtMs;
  const [ra, rb] = o.replacementReadyMs;
  const pod = (p: string, uid: string, node: string, createdMs: number, readyMs: number): ClusterEvent[] => [
    { kind: 'pod-created', pod: p, podUid: uid, revision: 'r1', node, atMs: createdMs },
    { kind: 'pod-ready', pod: p, podUid: uid, atMs: readyMs },
  ];
  // The pod watch may show the deletion before the eviction's answer arrives: terminating first, evicted after.
  const gone = (p: string, uid: string, atMs: number): ClusterEvent[] => [
    { kind: 'pod-terminating', pod: p, podUid: uid, graceMs: 2000, atMs: atMs - 5 },
    { kind: 'evicted', pod: p, podUid: uid, node: 'node-1', atMs: atMs + 60 },
    { kind: 'pod-deleted', pod: p, podUid: uid, atMs: atMs + 1000 },
  ];
  return [
    ...pod('a', 'ua', 'node-1', -5000, -4000),
    ...pod('b', 'ub', 'node-1', -5000, -4000),
    ...pod('c', 'uc', 'node-2', -5000, -4000),
    ...(o.pdb ? [{ kind: 'pdb-status', name: 'web', disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, atMs: 0 } as ClusterEvent] : []),
    { kind: 'drain-started', node: 'node-1', atMs: 2900 },
    { kind: 'node-cordoned', node: 'node-1', atMs: 2950 },
    ...gone('a', 'ua', ea),
    ...gone('b', 'ub', eb),
    ...pod('d', 'ud', 'node-2', ea + 50, ra),
    ...pod('e', 'ue', 'node-2', eb + 50, rb),
    { kind: 'drain-finished', node: 'node-1', ok: true, evicted: 2, atMs: Math.max(ea, eb) + 1100 },
  ];
}

const cases: Array<{ name: string; events: ClusterEvent[]; facts?: Record<string, string>; want: null | { outAtOnce: number; severity: string } }> = [
  { name: 'both evicted at once, no budget: 2 of 3 out, 1 left', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }), facts: { pdb: 'none' }, want: { outAtOnce: 2, severity: 'warning' } },
  { name: 'the same, from a driver that sets no fact (the embedded runtime)', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }), want: { outAtOnce: 2, severity: 'warning' } },
  { name: 'one at a time (the second after the first replacement): never more out than left', events: drain({ evictAtMs: [3000, 5000], replacementReadyMs: [4000, 6000] }), facts: { pdb: 'none' }, want: null },
  { name: 'a budget was seen (pdb-status)', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100], pdb: true }), want: null },
  { name: 'the driver found a budget', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }), facts: { pdb: 'web' }, want: null },
  { name: 'the budgets could not be read', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }), facts: { pdb: 'unknown' }, want: null },
  { name: 'no eviction at all (a rollout)', events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }).filter((e) => e.kind !== 'evicted'), want: null },
];

for (const c of cases) {
  test(`no-pdb: ${c.name}`, () => {
    const results = makeResults({ events: c.events, durationMs: 8000 });
    Object.assign(results.meta.facts, c.facts ?? {});
    const f = analyze(results, {}).findings.find((x) => x.id === 'no-pdb');
    if (!c.want) return assert.equal(f, undefined, JSON.stringify(f));
    assert.ok(f, 'no-pdb found');
    assert.equal(f.data?.outAtOnce, c.want.outAtOnce);
    assert.equal(f.severity, c.want.severity);
    assert.deepEqual(f.pods, ['a', 'b']);
    assert.match(f.fix, /--max-unavailable=1/);
    assert.match(f.evidence.join('\n'), /2 of 3 ready pods were out at once/);
  });
}

test('no-pdb: every replica on the drained node is critical (none left)', () => {
  const events = drain({ evictAtMs: [3000, 3005], replacementReadyMs: [4000, 4100] }).filter((e) => !('pod' in e) || (e.pod !== 'c'));
  const f = analyze(makeResults({ events, durationMs: 8000 }), {}).findings.find((x) => x.id === 'no-pdb');
  assert.equal(f?.severity, 'critical');
  assert.equal(f?.data?.readyLeast, 0);
});

test('no-pdb: a replacement ready before it is routed keeps the capacity out; the requests that fail on the evicted pods still routed count', () => {
  // Both evicted at 3 s; the replacements ready 130 ms later but in the endpoints only a second after,
  // when the evicted pods leave them too: the resets at 3.5-4 s hit evicted pods the Service still routed to.
  const endpoints = (p: string, uid: string, addedMs: number, removedMs?: number): ClusterEvent[] => [
    { kind: 'endpoint-added', pod: p, podUid: uid, atMs: addedMs },
    ...(removedMs === undefined ? [] : [{ kind: 'endpoint-removed', pod: p, podUid: uid, atMs: removedMs } as ClusterEvent]),
  ];
  const events = [
    ...drain({ evictAtMs: [3000, 3005], replacementReadyMs: [3135, 3140] }),
    ...endpoints('a', 'ua', -3900, 4050),
    ...endpoints('b', 'ub', -3900, 4055),
    ...endpoints('c', 'uc', -3900),
    ...endpoints('d', 'ud', 4100),
    ...endpoints('e', 'ue', 4140),
  ];
  const failures = [3500, 3700, 3900].map((atMs) => fail(atMs, 'reset', { pod: 'a' }));
  const results = makeResults({ events, failures, durationMs: 8000 });
  results.meta.facts.pdb = 'none';
  const f = analyze(results, {}).findings.find((x) => x.id === 'no-pdb');
  assert.ok(f, 'no-pdb found');
  assert.equal(f.data?.outAtOnce, 2);
  assert.equal(f.data?.failedWhileOut, 3, JSON.stringify(f.evidence));
  assert.match(f.evidence.join('\n'), /2 of 3 ready pods were out at once between 3\.00 s and 4\.10 s/);
  // Ready alone (no endpoint events): the dip ends with the replacements' readiness, before the failures;
  // the failures on an evicted pod still count (the proxies route to it a little after the API says otherwise),
  // those on a pod the drain left alone after the dip do not.
  const readyOnly = (pod: string): unknown => {
    const r = makeResults({ events: drain({ evictAtMs: [3000, 3005], replacementReadyMs: [3135, 3140] }), failures: failures.map((f) => ({ ...f, pod })), durationMs: 8000 });
    r.meta.facts.pdb = 'none';
    return analyze(r, {}).findings.find((x) => x.id === 'no-pdb')?.data?.failedWhileOut;
  };
  assert.equal(readyOnly('a'), 3);
  assert.equal(readyOnly('c'), 0);
});
