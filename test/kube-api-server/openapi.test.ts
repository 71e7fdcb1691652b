// test-lane: slow: kube sandbox with real pods
// Every object the kube sandbox serves must be valid against the real Kubernetes
// OpenAPI schema (kubernetes-models): a field of the wrong type or a missing
// required one is what a real client would choke on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { Event as CoreEvent } from 'kubernetes-models/v1/Event';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { Event as EventV1 } from 'kubernetes-models/events.k8s.io/v1/Event';
import { Scale } from 'kubernetes-models/autoscaling/v1/Scale';
import { startLocalBackedCluster } from './local-backing.js';
import type { KubeObject } from './store.js';

type Validator = (o: object) => void;
const VALIDATORS: Record<string, Validator> = {
  'v1/Pod': (o) => new Pod(o as never).validate(),
  'v1/Service': (o) => new Service(o as never).validate(),
  'v1/Event': (o) => new CoreEvent(o as never).validate(),
  'apps/v1/Deployment': (o) => new Deployment(o as never).validate(),
  'apps/v1/ReplicaSet': (o) => new ReplicaSet(o as never).validate(),
  'discovery.k8s.io/v1/EndpointSlice': (o) => new EndpointSlice(o as never).validate(),
  'events.k8s.io/v1/Event': (o) => new EventV1(o as never).validate(),
  'autoscaling/v1/Scale': (o) => new Scale(o as never).validate(),
};

function validate(o: KubeObject & { apiVersion?: string; kind?: string }, where: string): void {
  const key = `${o.apiVersion}/${o.kind}`;
  const check = VALIDATORS[key];
  assert.ok(check, `no validator for ${key} (${where})`);
  try {
    check(o);
  } catch (e) {
    assert.fail(`${where}: ${key} ${o.metadata?.name} is not valid: ${(e as Error).message}\n${JSON.stringify(o)}`);
  }
}

test('every object the kube sandbox serves, through a rollout, a pod deletion and a scale, is valid against the Kubernetes OpenAPI schema', { timeout: 90_000 }, async (t) => {
  // The validators are strict: a container status without its required fields is refused.
  assert.throws(() => VALIDATORS['v1/Pod']?.({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'a' }] }, status: { containerStatuses: [{ name: 'a', ready: false }] } }), /restartCount/);
  const cluster = await startLocalBackedCluster({ app: { kind: 'demo', entrypoint: 'exec' }, replicas: 2, graceMs: 2000, preStop: { kind: 'sleep', ms: 300 } }, { sidecar: true });
  t.after(() => cluster.close());
  const seen: Array<{ o: KubeObject; where: string }> = [];
  for (const resource of ['pods', 'services', 'events', 'deployments', 'replicasets', 'endpointslices']) for (const o of cluster.server.store.list(resource)) seen.push({ o, where: 'at start' });
  const unsubscribe = cluster.server.store.subscribe((c) => seen.push({ o: c.object, where: `${c.type} ${c.resource}` }));
  t.after(unsubscribe);
  const call = (method: string, path: string, body?: object, contentType = 'application/strategic-merge-patch+json') =>
    new Promise<{ code: number; json: KubeObject & { items?: KubeObject[] } }>((resolve, reject) => {
      const u = new URL(path, cluster.server.url);
      const req = request(u, { method, ca: cluster.server.caPem, headers: { authorization: `Bearer ${cluster.server.token}`, 'content-type': contentType } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, json: JSON.parse(text) as KubeObject }));
      });
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  const deployments = '/apis/apps/v1/namespaces/default/deployments/demo';
  const restart = await call('PATCH', deployments, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
  assert.equal(restart.code, 200);
  const waitRolledOut = async () => {
    for (let i = 0; i < 300; i += 1) {
      const d = (await call('GET', deployments)).json as { metadata: { generation?: number }; status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number } };
      const pods = (await call('GET', '/api/v1/namespaces/default/pods')).json.items ?? [];
      if (d.status?.observedGeneration === d.metadata.generation && d.status?.updatedReplicas === 2 && d.status.availableReplicas === 2 && pods.length === 2) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the rollout did not finish');
  };
  await waitRolledOut();
  const victim = cluster.server.store.list('pods')[0]?.metadata.name as string;
  assert.equal((await call('DELETE', `/api/v1/namespaces/default/pods/${victim}`)).code, 200);
  const scale = await call('PATCH', `${deployments}/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
  assert.equal(scale.code, 200);
  validate(scale.json, 'deployments/scale');
  for (let i = 0; i < 100 && cluster.server.store.list('pods').filter((p) => !p.metadata.deletionTimestamp).length < 3; i += 1) await new Promise((r) => setTimeout(r, 100));
  const v1Events = (await call('GET', '/apis/events.k8s.io/v1/namespaces/default/events')).json.items ?? [];
  assert.ok(v1Events.length > 0, 'events.k8s.io/v1 serves the events');
  for (const e of v1Events) validate(e, 'events.k8s.io/v1 list');
  const kinds = new Set(seen.map((s) => (s.o as { kind?: string }).kind));
  for (const k of ['Pod', 'Service', 'Event', 'Deployment', 'ReplicaSet', 'EndpointSlice']) assert.ok(kinds.has(k), `saw a ${k}`);
  for (const s of seen) validate(s.o, s.where);
  const terminated = seen.filter((s) => (s.o as { kind?: string }).kind === 'Pod' && JSON.stringify(s.o).includes('"terminated"'));
  assert.ok(terminated.length > 0, 'a pod with a terminated container was validated');
});
