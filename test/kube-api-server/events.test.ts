// test-lane: slow: kube sandbox with real pods
// The kubelet's Events as the sandbox records them: one Killing per container,
// FailedPreStopHook when the hook fails, in core/v1 and in events.k8s.io/v1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalBackedCluster } from './local-backing.js';
import { eventsV1 } from './resources.js';

test('a failing preStop hook is a FailedPreStopHook Warning after the Killing of each container, in both Event APIs', { timeout: 60_000 }, async (t) => {
  const cluster = await startLocalBackedCluster({ app: { kind: 'demo', entrypoint: 'exec' }, replicas: 1, graceMs: 2000, preStop: { kind: 'exec', command: 'exit 3' } });
  t.after(() => cluster.close());
  const pod = cluster.server.store.list('pods')[0]?.metadata.name as string;
  await cluster.local.killPod({ which: { name: pod } });
  const mine = () => cluster.server.store.list('events').filter((e) => (e.involvedObject as { name?: string }).name === pod);
  for (let i = 0; i < 100 && !mine().some((e) => e.reason === 'FailedPreStopHook'); i += 1) await new Promise((r) => setTimeout(r, 50));
  const events = mine().sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  assert.deepEqual(events.map((e) => `${e.type}/${e.reason}`), ['Normal/Killing', 'Warning/FailedPreStopHook'], JSON.stringify(events));
  assert.match(String(events[1]?.message), /^PreStopHook failed: /);
  const v1 = eventsV1(events[1]!) as unknown as { regarding: { name: string }; note: string; reportingController: string };
  assert.equal(v1.regarding.name, pod);
  assert.equal(v1.reportingController, 'kubelet');
});
