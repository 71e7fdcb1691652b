// test-lane: heavy: StatefulSet rollouts on the kube sandbox whose verdicts need the cores
// A StatefulSet rolled on the kube sandbox, by rollcheck's driver and by real
// kubectl: highest ordinal first, each pod deleted before its same-name
// replacement (a new UID), every object valid against the Kubernetes OpenAPI
// schema, and every request the driver made granted by manifests/rbac.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pod } from 'kubernetes-models/v1/Pod';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import { createClock } from '../../../src/results/clock.js';
import { isPodEvent, type ClusterEvent } from '../../../src/results/events.js';
import { startLocalBackedCluster } from '../../kube-api-server/local-backing.js';
import type { KubeObject } from '../../kube-api-server/store.js';
import { skipUnless } from '../../tools.js';
import { RUN_GRANTS, rbacGrants } from './rbac-grants.js';

const SETTINGS = { app: { kind: 'demo', entrypoint: 'exec' }, replicas: 2, graceMs: 1000, ordinals: { partition: 0 } } as const;

const granted = (): Set<string> => rbacGrants(...RUN_GRANTS);

test('rollcheck rolls a StatefulSet on the sandbox: ordinals replaced highest first under the same name, two UIDs each, every call in rbac.yaml, every object valid', { timeout: 90_000 }, async (t) => {
  const cluster = await startLocalBackedCluster(SETTINGS);
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-sts-'));
  const seen: KubeObject[] = [...cluster.server.store.list('statefulsets'), ...cluster.server.store.list('pods')];
  const unsubscribe = cluster.server.store.subscribe((c) => void ((c.resource === 'pods' || c.resource === 'statefulsets') && seen.push(c.object)));
  const events: ClusterEvent[] = [];
  const driver = createKubeDriver({ kubeconfig: cluster.server.writeKubeconfig(dir), workload: { kind: 'statefulset', name: 'demo' }, url: cluster.proxyUrl }, { clock: createClock(), emit: (e) => events.push(e) });
  t.after(async () => {
    unsubscribe();
    await driver.stop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const target = await driver.start();
  assert.equal(target.facts.updateStrategy, 'RollingUpdate');
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(60_000)).status, 'complete');
  // The rollout is complete once the last replacement is ready; wait for its pod-ready to be seen.
  for (let i = 0; i < 50 && events.filter((e) => e.kind === 'pod-ready').length < 4; i += 1) await new Promise((r) => setTimeout(r, 100));
  const pods = events.filter(isPodEvent);
  const uids = (name: string) => [...new Set(pods.filter((e) => e.pod === name && e.podUid).map((e) => e.podUid))];
  assert.equal(uids('demo-0').length, 2, 'demo-0 is two pods');
  assert.equal(uids('demo-1').length, 2, 'demo-1 is two pods');
  assert.deepEqual(pods.filter((e) => e.kind === 'pod-terminating').map((e) => e.pod), ['demo-1', 'demo-0'], 'highest ordinal first');
  // No surge: each replacement is created only after the old pod of its name is deleted.
  for (const name of ['demo-0', 'demo-1']) {
    const [oldUid, newUid] = uids(name);
    const deleted = pods.find((e) => e.kind === 'pod-deleted' && e.podUid === oldUid);
    const created = pods.find((e) => e.kind === 'pod-created' && e.podUid === newUid);
    assert.ok(deleted && created && deleted.atMs <= created.atMs, `${name}: deleted before recreated`);
  }
  const allowed = granted();
  for (const r of new Set(cluster.server.requests)) assert.ok(allowed.has(r), `rbac.yaml grants "${r}"`);
  assert.ok(cluster.server.requests.includes('patch statefulsets'));
  for (const o of seen) {
    const check = o.kind === 'StatefulSet' ? () => new StatefulSet(o as never).validate() : () => new Pod(o as never).validate();
    assert.doesNotThrow(check, `${o.kind} ${o.metadata.name}: ${JSON.stringify(o)}`);
  }
});

test('real kubectl rolls the sandbox StatefulSet: get sts,pods, rollout restart, rollout status', { skip: skipUnless('kubectl'), timeout: 90_000 }, async (t) => {
  const cluster = await startLocalBackedCluster(SETTINGS);
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-sts-kubectl-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: cluster.server.writeKubeconfig(dir), HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('kubectl', args, { env, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
    );
  const listing = await kubectl('get', 'sts,pods', '-o', 'name');
  assert.deepEqual(listing.trim().split('\n'), ['statefulset.apps/demo', 'pod/demo-0', 'pod/demo-1']);
  const uidsBefore = JSON.parse(await kubectl('get', 'pods', '-o', 'json')) as { items: Array<{ metadata: { name: string; uid: string } }> };
  assert.match(await kubectl('rollout', 'restart', 'statefulset/demo'), /statefulset.apps\/demo restarted/);
  assert.match(await kubectl('rollout', 'status', 'statefulset/demo', '--timeout', '60s'), /partitioned roll out complete: 2 new pods have been updated/);
  const after = JSON.parse(await kubectl('get', 'pods', '-o', 'json')) as { items: Array<{ metadata: { name: string; uid: string } }> };
  assert.deepEqual(after.items.map((p) => p.metadata.name).sort(), ['demo-0', 'demo-1'], 'the same names');
  for (const p of after.items) assert.ok(!uidsBefore.items.some((b) => b.metadata.uid === p.metadata.uid), `${p.metadata.name} is a new pod`);
});
