// test-lane: heavy: kube sandbox with real pods and watches that live 150 ms
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { isUsageError } from '../../../src/errors.js';
import { createClock } from '../../../src/results/clock.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import type { KubeApiServer } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';
import type { FakeControllerOptions } from '../../kube-api-server/fake-controller.js';

async function setup(t: { after(fn: () => unknown): void }, o: Partial<FakeControllerOptions> & { preStop?: string[]; graceSeconds?: number; watchLifetimeMs?: number } = {}) {
  const store = createKubeStore();
  const model = createKubeModel({ store, preStop: o.preStop, graceSeconds: o.graceSeconds ?? 1 });
  const controller = createFakeController(model, { exitCode: o.exitCode ?? 137, stepMs: o.stepMs, onStep: o.onStep });
  controller.seed();
  const deletes: Array<{ name: string; grace: number | undefined }> = [];
  const server: KubeApiServer = await startKubeApiServer({
    store,
    onDeletePod: (name, grace) => {
      deletes.push({ name, grace });
      model.terminatePod(name, grace);
      return true;
    },
    bookmarkMs: 200,
    watchLifetimeMs: o.watchLifetimeMs,
    onPatch: (_name, before, after) => {
      const template = (o: typeof before) => JSON.stringify((o.spec as { template?: unknown }).template);
      if (template(before) !== template(after)) void controller.rollout();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-'));
  const kubeconfig = server.writeKubeconfig(dir);
  const events: ClusterEvent[] = [];
  const driver = createKubeDriver(
    { kubeconfig, workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:1/', cwd: dir, watchBackoffMs: [50, 100] },
    { clock: createClock(), emit: (e) => events.push(e) },
  );
  t.after(async () => {
    controller.stop();
    await driver.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, model, controller, server, driver, events, dir, kubeconfig, deletes };
}

const kinds = (events: ClusterEvent[], pod: string) => events.filter((e) => 'pod' in e && e.pod === pod).map((e) => e.kind);

test('restart: facts, strategic-merge PATCH, every termination step as the API shows it', async (t) => {
  const { driver, events, server } = await setup(t, { preStop: ['sleep', '0.2'] });
  const target = await driver.start();
  assert.equal(target.facts.replicas, 2);
  assert.equal(target.facts.preStop, 'exec sleep 0.2');
  assert.equal(target.facts.service, 'demo');
  assert.equal(target.facts.terminationGracePeriodSeconds, 1);
  assert.deepEqual(target.warnings, []);
  assert.ok(!JSON.stringify(target).includes(server.token), 'no token in facts');
  const oldPods = [...new Set(events.filter((e) => e.kind === 'pod-created').map((e) => (e as { pod: string }).pod))];
  assert.equal(oldPods.length, 2);

  await driver.triggerRollout({ kind: 'restart' });
  const outcome = await driver.waitForRollout(20_000);
  assert.equal(outcome.status, 'complete');
  const patch = server.patches[0];
  assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
  assert.match(JSON.stringify(patch?.body), /kubectl\.kubernetes\.io\/restartedAt/);

  // The rollout can be complete before the watches deliver an old pod's last steps
  // (its endpoint removed, its deletion): on a busy machine, wait for them, up to 5 s.
  const lastSteps = (pod: string) => ['endpoint-removed', 'pod-deleted'].every((k) => kinds(events, pod).includes(k as ClusterEvent['kind']));
  for (let i = 0; i < 200 && !oldPods.every(lastSteps); i += 1) await new Promise((r) => setTimeout(r, 25));
  for (const pod of oldPods) {
    const k = kinds(events, pod);
    for (const want of ['pod-terminating', 'prestop-started', 'sigterm', 'sigkill', 'exited', 'endpoint-not-ready', 'endpoint-removed', 'pod-deleted']) {
      assert.ok(k.includes(want as ClusterEvent['kind']), `${pod}: ${want} in ${k.join(',')}`);
    }
    const term = events.find((e) => e.kind === 'pod-terminating' && e.pod === pod);
    assert.equal(term?.kind === 'pod-terminating' && term.graceMs, 1000);
    assert.match(term?.serverTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const sigterm = events.find((e) => e.kind === 'sigterm' && e.pod === pod);
    assert.equal(sigterm?.inferred, true);
    assert.ok((sigterm?.atMs ?? 0) >= (term?.atMs ?? 0), 'SIGTERM after the preStop sleep');
    const exited = events.find((e) => e.kind === 'exited' && e.pod === pod);
    assert.ok(exited?.kind === 'exited' && exited.exitCode === 137 && exited.signal === 'SIGKILL');
    const nr = events.find((e) => e.kind === 'endpoint-not-ready' && e.pod === pod);
    assert.ok(nr?.kind === 'endpoint-not-ready' && nr.terminating);
  }
  assert.ok(events.some((e) => e.kind === 'rollout-started'));
  assert.ok(events.some((e) => e.kind === 'rollout-progress'));
  assert.ok(events.some((e) => e.kind === 'rollout-complete'));
  assert.ok(events.some((e) => e.kind === 'note' && /Killing/.test(e.message)), 'Killing events noted');
});

test('a graceful exit (0) infers no SIGKILL', async (t) => {
  const { driver, events } = await setup(t, { exitCode: 0 });
  await driver.start();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(20_000)).status, 'complete');
  assert.equal(events.filter((e) => e.kind === 'sigkill').length, 0);
  assert.equal(events.filter((e) => e.kind === 'exited' && e.exitCode === 0).length, 2);
});

test('a watch dropped mid-rollout and a 410 are survived: every pod still ends as deleted', async (t) => {
  const ref: { server?: KubeApiServer } = {};
  const cut: string[] = [];
  const env = await setup(t, {
    exitCode: 137,
    stepMs: 60,
    onStep: async (step) => {
      if (step === 2) cut.push(`dropped ${ref.server?.dropWatches() ?? 0}`);
      if (step === 5) {
        // On a busy machine the reconnect may still be under way: expire the watch once it is back.
        for (let i = 0; i < 200 && ref.server?.watchCount('pods') === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
        cut.push(`expired ${ref.server?.expireWatches('pods') ?? 0}`);
      }
    },
  });
  ref.server = env.server;
  const { driver, events } = env;
  await driver.start();
  const oldPods = events.filter((e) => e.kind === 'pod-created').map((e) => (e as { pod: string }).pod);
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(20_000)).status, 'complete');
  assert.ok(cut.length === 2 && !cut.includes('dropped 0') && !cut.includes('expired 0'), cut.join(';'));
  const lost = events.filter((e) => e.kind === 'watch-lost');
  const resumed = events.filter((e) => e.kind === 'watch-resumed');
  assert.ok(lost.length >= 1, 'watch-lost emitted');
  assert.ok(resumed.length >= 1, 'watch-resumed emitted');
  assert.ok(resumed.some((e) => e.kind === 'watch-resumed' && e.resource === 'pods' && e.relisted), 'pods relisted after 410');
  // Wait for the final deletions to arrive through the resumed watches.
  for (let i = 0; i < 100 && !oldPods.every((p) => kinds(events, p).includes('pod-deleted')); i += 1) await new Promise((r) => setTimeout(r, 50));
  for (const pod of oldPods) assert.ok(kinds(events, pod).includes('pod-deleted'), `${pod} deleted: ${kinds(events, pod).join(',')}`);
  const created = new Set(events.filter((e) => e.kind === 'pod-created').map((e) => (e as { pod: string }).pod));
  assert.equal(created.size, 4, 'each pod created once, no duplicates after relist');
});

test('ProgressDeadlineExceeded fails the rollout; no progress times out', async (t) => {
  const { driver, model, controller } = await setup(t);
  controller.stop();
  await driver.start();
  await driver.triggerRollout({ kind: 'none' });
  const timeout = await driver.waitForRollout(300);
  assert.equal(timeout.status, 'timeout');
  const t2 = await setup(t);
  t2.controller.stop();
  await t2.driver.start();
  await t2.driver.triggerRollout({ kind: 'restart' });
  const waiting = t2.driver.waitForRollout(20_000);
  t2.model.progressDeadlineExceeded();
  const failed = await waiting;
  assert.equal(failed.status, 'failed');
  assert.match(failed.status === 'failed' ? failed.reason : '', /progress deadline/);
  void model;
});

test('cmd= trigger runs a shell command with output in a log file; a failing command fails the rollout', async (t) => {
  const { driver, events, dir } = await setup(t);
  await driver.start();
  await driver.triggerRollout({ kind: 'cmd', command: 'echo hello-from-trigger; exit 3' });
  const outcome = await driver.waitForRollout(10_000);
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.status === 'failed' ? outcome.reason : '', /exited 3/);
  const note = events.find((e) => e.kind === 'note' && e.message.includes('trigger command output'));
  assert.ok(note && note.kind === 'note' && note.message.includes(dir));
});

test('image= trigger patches the named container', async (t) => {
  const { driver, server } = await setup(t);
  await driver.start();
  await driver.triggerRollout({ kind: 'image', container: 'app', image: 'rollcheck-demo:2' });
  assert.equal((await driver.waitForRollout(20_000)).status, 'complete');
  assert.deepEqual(server.patches[0]?.body, { spec: { template: { spec: { containers: [{ name: 'app', image: 'rollcheck-demo:2' }] } } } });
  const d = server.store.get('deployments', 'demo') as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
  assert.equal(d.spec.template.spec.containers[0]?.image, 'rollcheck-demo:2');
});

test('bookmarks move the resourceVersion on, so a reconnect resumes from the bookmark, not from the list', async (t) => {
  const { driver, server, store } = await setup(t);
  await driver.start();
  const first = server.watchLog.find((w) => w.resource === 'pods');
  assert.ok(first && first.bookmarks && first.resourceVersion !== '', 'watch from the list resourceVersion, bookmarks on');
  // Changes elsewhere move the store's resourceVersion; the pods watch only hears of them by BOOKMARK.
  for (let i = 0; i < 5; i += 1) store.put('services', { metadata: { name: `other-${i}`, namespace: 'elsewhere' } });
  const bookmarked = store.rv;
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(server.dropWatches('pods') >= 1);
  for (let i = 0; i < 100 && server.watchLog.filter((w) => w.resource === 'pods').length < 2; i += 1) await new Promise((r) => setTimeout(r, 25));
  const again = server.watchLog.filter((w) => w.resource === 'pods')[1];
  assert.equal(again?.resourceVersion, String(bookmarked));
  assert.ok(Number(first.resourceVersion) < bookmarked);
  assert.equal(server.requests.filter((r) => r === 'list pods').length, 1, 'no relist needed');
});

test('watches the server ends at its timeout are resumed quietly, without a gap', async (t) => {
  const { driver, events, server } = await setup(t, { watchLifetimeMs: 150, stepMs: 60 });
  await driver.start();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(20_000)).status, 'complete');
  const podWatches = server.watchLog.filter((w) => w.resource === 'pods');
  assert.ok(podWatches.length >= 3, `the pods watch was ended and resumed (${podWatches.length})`);
  assert.ok(podWatches.every((w) => w.resourceVersion !== ''), 'every resume names a resourceVersion');
  assert.equal(events.filter((e) => e.kind === 'watch-lost').length, 0, 'a routine end is not a lost watch');
  assert.equal(events.filter((e) => e.kind === 'pod-deleted').length, 2);
  assert.equal(events.filter((e) => e.kind === 'exited').length, 2);
});

test('PodKiller deletes a pod through the API (grace from the request); Scaler patches replicas', async (t) => {
  const { driver, server, deletes, events } = await setup(t);
  await driver.start();
  const oldest = events.find((e) => e.kind === 'pod-created') as { pod: string };
  assert.equal(await driver.killPod({ which: 'oldest', graceMs: 2000 }), oldest.pod);
  assert.deepEqual(deletes, [{ name: oldest.pod, grace: 2 }]);
  for (let i = 0; i < 100 && !events.some((e) => e.kind === 'pod-terminating'); i += 1) await new Promise((r) => setTimeout(r, 20));
  const term = events.find((e) => e.kind === 'pod-terminating');
  assert.ok(term?.kind === 'pod-terminating' && term.pod === oldest.pod && term.graceMs === 2000);
  await assert.rejects(driver.killPod({ which: { name: 'ghost' } }), /no running pod to kill named "ghost"/);
  await driver.scale(5);
  assert.deepEqual(server.patches.at(-1)?.body, { spec: { replicas: 5 } });
  assert.equal((server.store.get('deployments', 'demo') as unknown as { spec: { replicas: number } }).spec.replicas, 5);
});

test('a workload kind the driver does not know is one line naming those it does, before anything is contacted', () => {
  assert.throws(
    () => createKubeDriver({ workload: { kind: 'cronjob', name: 'nightly' }, url: 'http://127.0.0.1:1/' }, { clock: createClock(), emit: () => undefined }),
    (e: unknown) => isUsageError(e) && e.message === '"cronjob/nightly": rollcheck cannot roll a cronjob; roll one of: deployment, statefulset, daemonset, rollout',
  );
});
