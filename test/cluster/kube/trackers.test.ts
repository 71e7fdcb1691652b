import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPodTracker } from '../../../src/cluster/kube/pod-tracker.js';
import { createEndpointTracker } from '../../../src/cluster/kube/endpoint-tracker.js';
import type { PodLike } from '../../../src/cluster/kube/pod-shape.js';
import { appContainerOf } from '../../../src/cluster/kube/pod-shape.js';
import type { ClusterEvent } from '../../../src/results/events.js';

function tracker() {
  let now = 0;
  const events: ClusterEvent[] = [];
  const pods = createPodTracker({ nowMs: () => now, emit: (e) => events.push(e) });
  return { pods, events, at: (ms: number) => void (now = ms), kinds: () => events.map((e) => `${e.kind}@${e.atMs}`) };
}

const pod = (o: { deletion?: string; grace?: number; exit?: number; ready?: boolean; preStop?: string[]; running?: boolean } = {}): PodLike => ({
  metadata: { name: 'web-1', labels: { 'pod-template-hash': 'abc' }, creationTimestamp: new Date('2025-01-01T00:00:00Z'), ...(o.deletion ? { deletionTimestamp: o.deletion, deletionGracePeriodSeconds: o.grace } : {}) },
  spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', ...(o.preStop ? { lifecycle: { preStop: { exec: { command: o.preStop } } } } : {}) }] },
  status: {
    podIP: '10.0.0.7',
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    containerStatuses: [{ name: 'app', state: o.exit !== undefined ? { terminated: { exitCode: o.exit, reason: 'Error', finishedAt: '2025-01-01T00:01:00Z' } } : { running: { startedAt: '2025-01-01T00:00:01Z' } } }],
  },
});

test('SIGTERM is inferred at deletion + the preStop sleep, SIGKILL when exit 137 comes at the grace period', async () => {
  const t = tracker();
  t.pods.observe(pod());
  t.at(1000);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:31Z', grace: 1, preStop: ['sleep', '0.05'] }));
  const term = t.events.find((e) => e.kind === 'pod-terminating');
  assert.ok(term?.kind === 'pod-terminating' && term.graceMs === 1000 && term.serverTime === '2025-01-01T00:00:30Z');
  assert.ok(!t.events.some((e) => e.kind === 'sigterm'), 'SIGTERM waits for the preStop sleep');
  await new Promise((r) => setTimeout(r, 120));
  const sigterm = t.events.find((e) => e.kind === 'sigterm');
  assert.equal(sigterm?.atMs, 1050);
  assert.equal(sigterm?.inferred, true);
  t.at(2100);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:31Z', grace: 1, preStop: ['sleep', '0.05'], exit: 137 }));
  const kill = t.events.find((e) => e.kind === 'sigkill');
  assert.equal(kill?.atMs, 2000, 'SIGKILL at deletion + grace');
  const exited = t.events.find((e) => e.kind === 'exited');
  assert.ok(exited?.kind === 'exited' && exited.afterSigtermMs === 1050 && exited.signal === 'SIGKILL');
  t.pods.stop();
});

test('an early exit 137 (OOM, not the grace period) infers no SIGKILL; a pod gone during a relist is deleted (inferred)', () => {
  const t = tracker();
  t.pods.sync([pod()]);
  t.at(100);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:30Z', grace: 30 }));
  t.at(200);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:30Z', grace: 30, exit: 137 }));
  assert.ok(!t.events.some((e) => e.kind === 'sigkill'));
  t.at(300);
  t.pods.sync([]);
  const deleted = t.events.find((e) => e.kind === 'pod-deleted');
  assert.equal(deleted?.inferred, true);
  assert.deepEqual(t.kinds(), ['pod-created@0', 'pod-started@0', 'pod-ready@0', 'pod-terminating@100', 'sigterm@100', 'exited@200', 'pod-deleted@300']);
});

test('a DELETED event carrying the final status still reports the exit', () => {
  const t = tracker();
  t.pods.observe(pod());
  t.pods.deleted(pod({ deletion: '2025-01-01T00:00:30Z', grace: 30, exit: 0 }));
  assert.deepEqual(t.events.map((e) => e.kind).slice(-4), ['pod-terminating', 'sigterm', 'exited', 'pod-deleted']);
  t.pods.stop();
});

test('a force delete (grace 0) is force-deleted, and its exit 137 is not taken for a SIGKILL at the grace period', () => {
  const t = tracker();
  t.pods.observe(pod());
  t.at(100);
  t.pods.deleted(pod({ deletion: '2025-01-01T00:00:30Z', grace: 0, exit: 137 }));
  assert.deepEqual(t.events.map((e) => e.kind).slice(-4), ['pod-terminating', 'force-deleted', 'exited', 'pod-deleted']);
  assert.ok(!t.events.some((e) => e.kind === 'sigkill' || e.kind === 'sigterm'));
});

test('an exec preStop that is not a plain sleep makes SIGTERM an interval [deletion, exit], never a moment', () => {
  const t = tracker();
  t.pods.observe(pod());
  t.at(1000);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:31Z', grace: 30, preStop: ['/bin/drain', '--wait'] }));
  assert.ok(!t.events.some((e) => e.kind === 'sigterm'), 'nothing is said before the exit bounds it');
  t.at(4000);
  t.pods.observe(pod({ deletion: '2025-01-01T00:00:31Z', grace: 30, preStop: ['/bin/drain', '--wait'], exit: 0 }));
  const sigterm = t.events.find((e) => e.kind === 'sigterm');
  assert.deepEqual(sigterm && { atMs: sigterm.atMs, latestMs: 'latestMs' in sigterm ? sigterm.latestMs : null }, { atMs: 1000, latestMs: 4000 });
  assert.ok(!t.events.some((e) => e.kind === 'prestop-finished'), 'the end of an exec hook is unknown');
  t.pods.stop();
});

test('the app container is the one serving the targetPort, not a proxy injected first; every other container exits on its own', () => {
  let now = 0;
  const events: ClusterEvent[] = [];
  const pods = createPodTracker({ nowMs: () => now, emit: (e) => events.push(e), appContainer: () => 'app' });
  const meshPod = (proxy: 'running' | number, app: 'running' | number, native: 'running' | number): PodLike => {
    const state = (s: 'running' | number) => (s === 'running' ? { running: { startedAt: '2025-01-01T00:00:01Z' } } : { terminated: { exitCode: s, reason: s === 0 ? 'Completed' : 'Error' } });
    return {
      metadata: { name: 'web-1', labels: { 'pod-template-hash': 'abc' }, ...(proxy !== 'running' ? { deletionTimestamp: '2025-01-01T00:00:31Z', deletionGracePeriodSeconds: 30 } : {}) },
      spec: {
        containers: [{ name: 'istio-proxy', ports: [{ containerPort: 15090 }] }, { name: 'app', ports: [{ containerPort: 8080 }] }],
        initContainers: [{ name: 'log-shipper', restartPolicy: 'Always' }, { name: 'migrate' }],
      },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'istio-proxy', state: state(proxy) }, { name: 'app', state: state(app) }],
        initContainerStatuses: [{ name: 'log-shipper', state: state(native) }, { name: 'migrate', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    };
  };
  pods.observe(meshPod('running', 'running', 'running'));
  now = 100;
  pods.observe(meshPod(0, 'running', 'running'));
  now = 900;
  pods.observe(meshPod(0, 0, 'running'));
  now = 1000;
  pods.observe(meshPod(0, 0, 0));
  const exits = events.filter((e) => e.kind === 'exited').map((e) => `${e.container ?? 'app'}@${e.atMs}`);
  assert.deepEqual(exits, ['istio-proxy@100', 'app@900', 'log-shipper@1000'], 'the finished init container is not a sidecar');
  assert.ok(events.some((e) => e.kind === 'pod-started'));
  pods.stop();
});

test('endpoint tracker folds slices: added, not-ready (terminating), removed', () => {
  const events: ClusterEvent[] = [];
  const ep = createEndpointTracker({ nowMs: () => 5, emit: (e) => events.push(e) });
  const slice = (name: string, eps: Array<[string, boolean, boolean]>) => ({
    metadata: { name },
    endpoints: eps.map(([pod, ready, terminating]) => ({ addresses: ['10.0.0.1'], conditions: { ready, serving: true, terminating }, targetRef: { kind: 'Pod', name: pod } })),
  });
  ep.sync([slice('a', [['p1', true, false]]), slice('b', [['p2', true, false]])]);
  ep.upsert(slice('a', [['p1', false, true]]));
  ep.remove(slice('b', []));
  ep.upsert(slice('a', []));
  assert.deepEqual(
    events.map((e) => `${e.kind}:${'pod' in e ? e.pod : ''}${e.kind === 'endpoint-not-ready' ? `:${e.terminating}` : ''}`),
    ['endpoint-added:p1', 'endpoint-added:p2', 'endpoint-not-ready:p1:true', 'endpoint-removed:p2', 'endpoint-removed:p1'],
  );
  assert.equal(ep.readyCount(), 0);
});

test('appContainerOf: --container wins, then the container whose port is the targetPort (number or name), then the first', () => {
  const containers = [{ name: 'linkerd-proxy', ports: [{ containerPort: 4143, name: 'linkerd-proxy' }] }, { name: 'web', ports: [{ containerPort: 8080, name: 'http' }] }];
  assert.equal(appContainerOf(containers, 8080)?.name, 'web');
  assert.equal(appContainerOf(containers, 'http')?.name, 'web');
  assert.equal(appContainerOf(containers, 9999)?.name, 'linkerd-proxy');
  assert.equal(appContainerOf(containers, 8080, 'linkerd-proxy')?.name, 'linkerd-proxy');
  assert.equal(appContainerOf(containers, 8080, 'nope'), undefined);
});

test('a new pod under an old name (a StatefulSet replacement) is a new pod: its own created/ready events, with its UID', () => {
  const t = tracker();
  const withUid = (p: PodLike, uid: string): PodLike => ({ ...p, metadata: { ...p.metadata, uid } });
  t.pods.observe(withUid(pod(), 'u1'));
  t.at(1000);
  t.pods.observe(withUid(pod({ deletion: '2025-01-01T00:00:31Z', grace: 1, exit: 0 }), 'u1'));
  t.pods.deleted(withUid(pod({ deletion: '2025-01-01T00:00:31Z', grace: 1, exit: 0 }), 'u1'));
  t.at(2000);
  t.pods.observe(withUid(pod(), 'u2'));
  t.pods.stop();
  const seen = t.events.filter((e) => e.kind === 'pod-created' || e.kind === 'pod-ready' || e.kind === 'pod-deleted').map((e) => `${e.kind}:${'podUid' in e ? e.podUid : '-'}`);
  assert.deepEqual(seen, ['pod-created:u1', 'pod-ready:u1', 'pod-deleted:u1', 'pod-created:u2', 'pod-ready:u2']);
  assert.deepEqual(t.pods.alive().map((p) => p.name), ['web-1']);
});

test('endpoint events carry the UID the slice names, and a reused name is a new endpoint', () => {
  const events: ClusterEvent[] = [];
  const eps = createEndpointTracker({ nowMs: () => 0, emit: (e) => events.push(e) });
  const slice = (uid: string) => ({ metadata: { name: 's1' }, endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-0', uid } }] });
  eps.upsert(slice('u1'));
  eps.upsert(slice('u2'));
  assert.deepEqual(events.map((e) => `${e.kind}:${'podUid' in e ? e.podUid : '-'}`), ['endpoint-added:u1', 'endpoint-added:u2', 'endpoint-removed:u1']);
});
