import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorMatches } from '../../../src/cluster/label-selector.js';
import { createDrainInference } from '../../../src/cluster/kube/drain-inference.js';
import { outsideDrainsSettled } from '../../../src/cluster/kube/outside-drain-end.js';
import { createNodeTracker } from '../../../src/cluster/kube/node-tracker.js';
import { createPdbTracker } from '../../../src/cluster/kube/pdb-tracker.js';
import { createPodTracker } from '../../../src/cluster/kube/pod-tracker.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import { createClock } from '../../../src/results/clock.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import { createKubeStore, type KubeObject } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';

const labels = { app: 'web', tier: 'front' };

test('selectorMatches: matchLabels and every matchExpressions operator, as the API server reads a selector; empty matches nothing', () => {
  const cases: Array<[Parameters<typeof selectorMatches>[0], boolean]> = [
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: ['yes'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    [{}, false],
    [undefined, false],
  ];
  for (const [selector, want] of cases) assert.equal(selectorMatches(selector, labels), want, JSON.stringify(selector));
});

test('the PDB tracker covers pods by matchExpressions too, and drops a budget whose selector stops covering them', () => {
  const events: ClusterEvent[] = [];
  const pdbs = createPdbTracker({ podLabels: labels, nowMs: () => 0, emit: (e) => events.push(e) });
  const status = { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 };
  pdbs.sync([
    { metadata: { name: 'by-expression' }, spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] } }, status },
    { metadata: { name: 'other' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } }, status },
  ]);
  assert.deepEqual(pdbs.covering(), ['by-expression']);
  assert.deepEqual(events.map((e) => (e.kind === 'pdb-status' ? e.name : e.kind)), ['by-expression']);
  pdbs.upsert({ metadata: { name: 'by-expression' }, spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] } }, status });
  assert.deepEqual(pdbs.covering(), []);
});

test('a pod whose DisruptionTarget (EvictionByEvictionAPI) appears is evicted once, with the condition time and its node; other reasons are a note', () => {
  const events: ClusterEvent[] = [];
  const pods = createPodTracker({ nowMs: () => 5, emit: (e) => events.push(e) });
  const pod = (uid: string, reason?: string) => ({
    metadata: { name: `web-${uid}`, uid },
    spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }, ...(reason ? [{ type: 'DisruptionTarget', status: 'True', reason, message: 'Eviction API: evicting', lastTransitionTime: '2026-01-01T00:00:07Z' }] : [])] },
  });
  pods.observe(pod('a'));
  pods.observe(pod('a', 'EvictionByEvictionAPI'));
  pods.observe(pod('a', 'EvictionByEvictionAPI'));
  pods.observe(pod('b'));
  pods.observe(pod('b', 'PreemptionByScheduler'));
  const evicted = events.filter((e) => e.kind === 'evicted');
  assert.deepEqual(evicted, [{ kind: 'evicted', pod: 'web-a', podUid: 'a', atMs: 5, node: 'node-1', serverTime: '2026-01-01T00:00:07Z' }]);
  assert.ok(events.some((e) => e.kind === 'note' && e.message === 'web-b: DisruptionTarget PreemptionByScheduler (Eviction API: evicting)'));
});

test('a pod first seen already evicted before the run began is a note of the start, not an eviction; one first seen evicted since is an eviction', () => {
  const events: ClusterEvent[] = [];
  const pods = createPodTracker({ nowMs: () => 1000, emit: (e) => events.push(e) });
  const pod = (uid: string, sinceEpochMs: number) => ({
    metadata: { name: `web-${uid}`, uid, deletionTimestamp: new Date(sinceEpochMs).toISOString() },
    spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
    status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: new Date(sinceEpochMs).toISOString() }] },
  });
  pods.observe(pod('old', Date.now() - 60_000));
  pods.observe(pod('new', Date.now()));
  assert.deepEqual(events.filter((e) => e.kind === 'evicted').map((e) => 'pod' in e && e.pod), ['web-new']);
  assert.ok(events.some((e) => e.kind === 'note' && /^web-old: already disrupted when the run began \(DisruptionTarget EvictionByEvictionAPI since /.test(e.message)), JSON.stringify(events));
  pods.stop();
});

test('drain inference: cordon then evictions on that node read as a drain (inferred), finished when none of its pods is left; repeats dropped; an own drain is not inferred', () => {
  let now = 0;
  const out: ClusterEvent[] = [];
  const gate = createDrainInference({ nowMs: () => now, emit: (e) => out.push(e) });
  const finished: string[] = [];
  gate.onOutsideDrainFinished((n) => finished.push(n));
  const nodes = createNodeTracker({ nowMs: () => now, emit: gate.emit });
  const node = (name: string, cordoned: boolean) => ({ metadata: { name }, spec: { unschedulable: cordoned }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  nodes.sync([node('node-1', false), node('node-2', false)], false);
  for (const [uid, n] of [['a', 'node-1'], ['b', 'node-1'], ['c', 'node-2']] as const) gate.emit({ kind: 'pod-created', pod: uid, podUid: uid, atMs: 0, revision: 'r', node: n });
  now = 10;
  nodes.upsert(node('node-1', true));
  gate.emit({ kind: 'node-cordoned', atMs: 11, node: 'node-1' });
  now = 20;
  gate.emit({ kind: 'evicted', pod: 'a', podUid: 'a', atMs: 20, node: 'node-1' });
  gate.emit({ kind: 'evicted', pod: 'a', podUid: 'a', atMs: 21, node: 'node-1' });
  gate.emit({ kind: 'evicted', pod: 'b', podUid: 'b', atMs: 25 });
  gate.emit({ kind: 'pod-deleted', pod: 'a', podUid: 'a', atMs: 30 });
  assert.deepEqual(finished, [], 'b is still on node-1');
  now = 40;
  gate.emit({ kind: 'pod-deleted', pod: 'b', podUid: 'b', atMs: 40 });
  const told = out.filter((e) => e.kind !== 'pod-created').map((e) => `${e.kind}${'node' in e && e.node ? ` ${e.node}` : ''}${'pod' in e ? ` ${e.pod}` : ''}${e.inferred ? ' (inferred)' : ''}@${e.atMs}`);
  assert.deepEqual(told, ['node-cordoned node-1@10', 'evicted node-1 a@20', 'drain-started node-1 (inferred)@20', 'evicted b@25', 'pod-deleted a@30', 'pod-deleted b@40', 'drain-finished node-1 (inferred)@40']);
  assert.deepEqual(out.at(-1), { kind: 'drain-finished', atMs: 40, node: 'node-1', ok: true, evicted: 2, inferred: true });
  assert.deepEqual(finished, ['node-1']);
  // rollcheck's own drain of node-2: its cordon and eviction are told once, and no drain is inferred beside it.
  out.length = 0;
  gate.emit({ kind: 'drain-started', atMs: 50, node: 'node-2' });
  gate.emit({ kind: 'node-cordoned', atMs: 51, node: 'node-2' });
  nodes.upsert(node('node-2', true));
  gate.emit({ kind: 'evicted', pod: 'c', podUid: 'c', atMs: 52, node: 'node-2' });
  gate.emit({ kind: 'evicted', pod: 'c', podUid: 'c', atMs: 53, node: 'node-2' });
  gate.emit({ kind: 'pod-deleted', pod: 'c', podUid: 'c', atMs: 54 });
  assert.deepEqual(out.map((e) => e.kind), ['drain-started', 'node-cordoned', 'evicted', 'pod-deleted']);
  nodes.upsert({ ...node('node-2', true), status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } });
  const last = out.at(-1);
  assert.equal(last?.kind === 'note' ? last.message : last?.kind, 'node node-2 is NotReady (KubeletNotReady)');
  assert.equal(nodes.describe(), 'node-1 Ready,SchedulingDisabled, node-2 NotReady,SchedulingDisabled');
});

test('a node-local Service (internalTrafficPolicy: Local) on the sandbox: the driver names the node --url enters on for node-local-gap, or says why it cannot', async (t) => {
  const store = createKubeStore();
  const controller = createFakeController(createKubeModel({ store, nodes: 2, internalTrafficPolicy: 'Local' }), { exitCode: 0 });
  controller.seed();
  const server = await startKubeApiServer({ store });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-traffic-policy-'));
  t.after(async () => {
    controller.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (url: string) => {
    const driver = createKubeDriver({ kubeconfig: server.writeKubeconfig(dir), workload: { kind: 'deployment', name: 'demo' }, url }, { clock: createClock(), emit: () => undefined });
    try {
      return await driver.start();
    } finally {
      await driver.stop();
    }
  };
  // Every sandbox node has the address 127.0.0.1: which node traffic enters on cannot be told.
  const ambiguous = await start('http://127.0.0.1:1/');
  assert.equal(ambiguous.facts.trafficPolicy, 'internal Local');
  assert.equal(ambiguous.cluster?.trafficPolicy, undefined);
  assert.ok(ambiguous.warnings.includes('service demo routes node-locally (internalTrafficPolicy: Local), but 127.0.0.1 is the address of 2 nodes (node-1, node-2): the node traffic enters on is unknown, so a node left without a pod (node-local-gap) cannot be judged'), ambiguous.warnings.join('\n'));
  // node-2 moved to an address of its own: --url on 127.0.0.1 now enters on node-1.
  const node2 = store.get('nodes', 'node-2') as KubeObject;
  store.put('nodes', { ...node2, status: { ...(node2.status as object), addresses: [{ type: 'InternalIP', address: '127.0.0.2' }, { type: 'Hostname', address: 'node-2' }] } });
  assert.deepEqual((await start('http://127.0.0.1:1/')).cluster?.trafficPolicy, { node: 'node-1' });
  assert.deepEqual((await start('http://node-2:1/')).cluster?.trafficPolicy, { node: 'node-2' });
});

test('a pod first seen before the scheduler placed it is told as created once it has its node (a deleted unplaced pod: created, then deleted)', () => {
  let now = 0;
  const events: ClusterEvent[] = [];
  const pods = createPodTracker({ nowMs: () => now, emit: (e) => events.push(e) });
  const pending = { metadata: { name: 'web-x', uid: 'x' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending' } };
  pods.observe(pending);
  assert.equal(events.length, 0, 'nothing told before the pod has a node');
  now = 7;
  pods.observe({ ...pending, spec: { ...pending.spec, nodeName: 'node-2' } });
  assert.deepEqual(events.map((e) => (e.kind === 'pod-created' ? [e.kind, e.node, e.atMs] : [e.kind])), [['pod-created', 'node-2', 7]]);
  pods.observe({ metadata: { name: 'web-y', uid: 'y' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending' } });
  pods.deleted({ metadata: { name: 'web-y', uid: 'y' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending' } });
  assert.deepEqual(events.slice(1).map((e) => `${e.kind} ${'pod' in e ? e.pod : ''}`), ['pod-created web-y', 'pod-deleted web-y']);
});

test('--trigger none watches drains by someone else to the last: a drain begun before the quiet spell ends, or during it, keeps the watch open', async () => {
  const gate = createDrainInference({ nowMs: () => 0, emit: () => undefined });
  const quit = new AbortController();
  let settled = false;
  const replaced: string[] = [];
  const end = outsideDrainsSettled({
    gate,
    quietMs: 150,
    signal: quit.signal,
    waitReplaced: async () => {
      replaced.push(`after ${gate.outsideDrains().started}`);
      return true;
    },
  }).then(() => {
    settled = true;
  });
  const pods: Array<[string, string]> = [['a', 'node-1'], ['b', 'node-2'], ['c', 'node-3']];
  for (const [uid, n] of pods) gate.emit({ kind: 'pod-created', pod: uid, podUid: uid, atMs: 0, revision: 'r', node: n });
  const drain = (node: string, pod: string): void => {
    gate.emit({ kind: 'node-cordoned', atMs: 1, node });
    gate.emit({ kind: 'evicted', pod, podUid: pod, atMs: 2, node });
  };
  const gone = (pod: string): void => gate.emit({ kind: 'pod-deleted', pod, podUid: pod, atMs: 3 });
  // node-1 drained, and node-2's drain begins at once (kubectl drain a && kubectl drain b): open at the end of node-1's quiet.
  drain('node-1', 'a');
  gone('a');
  drain('node-2', 'b');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(settled, false, 'node-2 is still being drained');
  assert.deepEqual(gate.outsideDrains(), { started: 2, open: 1 });
  // node-2 finishes; node-3's drain begins and ends inside node-2's quiet spell: node-2's quiet does not end the watch, node-3's does.
  gone('b');
  await new Promise((r) => setTimeout(r, 20));
  drain('node-3', 'c');
  gone('c');
  await end;
  assert.equal(settled, true);
  assert.deepEqual(replaced, ['after 1', 'after 2', 'after 3']);
  assert.deepEqual(gate.outsideDrains(), { started: 3, open: 0 });
});

test('--trigger none: the watch never ends on a drain whose replacements did not come, or once the run was stopped', async () => {
  const gate = createDrainInference({ nowMs: () => 0, emit: () => undefined });
  const quit = new AbortController();
  let settled = false;
  void outsideDrainsSettled({ gate, quietMs: 20, signal: quit.signal, waitReplaced: async () => false }).then(() => (settled = true));
  gate.emit({ kind: 'pod-created', pod: 'a', podUid: 'a', atMs: 0, revision: 'r', node: 'node-1' });
  gate.emit({ kind: 'node-cordoned', atMs: 1, node: 'node-1' });
  gate.emit({ kind: 'evicted', pod: 'a', podUid: 'a', atMs: 2, node: 'node-1' });
  gate.emit({ kind: 'pod-deleted', pod: 'a', podUid: 'a', atMs: 3 });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(settled, false, 'not replaced in time: the rollout timeout ends the run, not this');
  const gate2 = createDrainInference({ nowMs: () => 0, emit: () => undefined });
  let settled2 = false;
  void outsideDrainsSettled({ gate: gate2, quietMs: 50, signal: quit.signal, waitReplaced: async () => true }).then(() => (settled2 = true));
  gate2.emit({ kind: 'pod-created', pod: 'a', podUid: 'a', atMs: 0, revision: 'r', node: 'node-1' });
  gate2.emit({ kind: 'node-cordoned', atMs: 1, node: 'node-1' });
  gate2.emit({ kind: 'evicted', pod: 'a', podUid: 'a', atMs: 2, node: 'node-1' });
  gate2.emit({ kind: 'pod-deleted', pod: 'a', podUid: 'a', atMs: 3 });
  quit.abort();
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(settled2, false, 'stopped during the quiet spell');
});

test('--trigger none: a drain by someone else that began and ended before the wait (during the baseline) ends it too', async () => {
  const gate = createDrainInference({ nowMs: () => 0, emit: () => undefined });
  gate.emit({ kind: 'pod-created', pod: 'a', podUid: 'a', atMs: 0, revision: 'r', node: 'node-1' });
  gate.emit({ kind: 'node-cordoned', atMs: 1, node: 'node-1' });
  gate.emit({ kind: 'evicted', pod: 'a', podUid: 'a', atMs: 2, node: 'node-1' });
  gate.emit({ kind: 'pod-deleted', pod: 'a', podUid: 'a', atMs: 3 });
  const quit = new AbortController();
  await outsideDrainsSettled({ gate, quietMs: 20, signal: quit.signal, waitReplaced: async () => true });
  assert.deepEqual(gate.outsideDrains(), { started: 1, open: 0 });
});
