// test-lane: slow: kube sandbox with real pods
// The Kubernetes driver on an unfriendly cluster: Events it may not read, a
// watch that goes silent half-open, a `cmd=` trigger that must roll the watched
// context and namespace whatever the kubeconfig's own current context is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import type { KubeDriverSettings } from '../../../src/cluster/kube/kube-driver.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { createClock } from '../../../src/results/clock.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import type { KubeApiServerOptions } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';

async function setup(t: { after(fn: () => unknown): void }, server: KubeApiServerOptions, driver: Partial<KubeDriverSettings> = {}, kubeconfig: { namespace?: string; context?: string } = {}) {
  const store = createKubeStore();
  const model = createKubeModel({ store, namespace: kubeconfig.namespace });
  createFakeController(model, { exitCode: 0 }).seed();
  const api = await startKubeApiServer({ store, ...server });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-robust-'));
  const events: ClusterEvent[] = [];
  const d = createKubeDriver(
    { kubeconfig: api.writeKubeconfig(dir, kubeconfig), workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:1/', cwd: dir, watchBackoffMs: [50, 100], ...driver },
    { clock: createClock(), emit: (e) => events.push(e) },
  );
  t.after(async () => {
    await d.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { api, driver: d, events, dir };
}

test('a 403 on the Events watch is one note, not a failed run', async (t) => {
  const { api, driver, events } = await setup(t, {});
  api.forbid('list', 'events');
  api.forbid('watch', 'events');
  await driver.start();
  const notes = events.filter((e) => e.kind === 'note' && /Events are not readable \(403/.test(e.message));
  assert.equal(notes.length, 1);
  assert.ok(api.watchCount('pods') === 1 && api.watchCount('endpointslices') === 1, 'the other watches run');
});

test('a watch silent past the silence period (no event, no bookmark) is restarted from its resourceVersion', async (t) => {
  // Bookmarks far apart and nothing changing: every watch goes silent.
  const { api, driver, events } = await setup(t, { bookmarkMs: 60_000 }, { watchSilenceMs: 400 });
  await driver.start();
  const first = api.watchLog.filter((w) => w.resource === 'pods').length;
  for (let i = 0; i < 40 && api.watchLog.filter((w) => w.resource === 'pods').length === first; i += 1) await new Promise((r) => setTimeout(r, 50));
  const pods = api.watchLog.filter((w) => w.resource === 'pods');
  assert.ok(pods.length > first, `the pods watch was opened again: ${JSON.stringify(api.watchLog)} ${JSON.stringify(events.filter((e) => e.kind.startsWith('watch')))}`);
  assert.equal(pods.at(-1)?.resourceVersion, pods[0]?.resourceVersion, 'resumed from where it was, no relist');
  const lost = events.find((e) => e.kind === 'watch-lost' && e.resource === 'pods');
  assert.match(lost && lost.kind === 'watch-lost' ? lost.error : '', /stalled/);
  const resumed = () => events.find((e) => e.kind === 'watch-resumed' && e.resource === 'pods');
  for (let i = 0; i < 40 && !resumed(); i += 1) await new Promise((r) => setTimeout(r, 50));
  const r = resumed();
  assert.ok(r && r.kind === 'watch-resumed' && !r.relisted, `resumed without a relist: ${JSON.stringify(events.filter((e) => e.kind.startsWith('watch')))}`);
  assert.ok(api.watchCount('pods') <= 1, 'the stalled connection was closed, not leaked');
});

test('cmd= runs with a kubeconfig scoped to the watched context and namespace, plus HELM_KUBECONTEXT/HELM_NAMESPACE; the file is removed after', async (t) => {
  const { driver, dir } = await setup(t, {}, { namespace: 'shop' }, { namespace: 'shop', context: 'staging' });
  await driver.start();
  const script = 'echo "ctx=$HELM_KUBECONTEXT ns=$HELM_NAMESPACE"; echo "file=$(tr -d "\\n" < "$KUBECONFIG")"; echo "kc=$KUBECONFIG"';
  await driver.triggerRollout({ kind: 'cmd', command: script });
  await driver.waitForRollout(1500).catch(() => undefined);
  const log = readdirSync(dir).find((f) => f.startsWith('rollcheck-trigger-'));
  assert.ok(log);
  let text = '';
  for (let i = 0; i < 40 && !/kc=/.test(text); i += 1) {
    text = readFileSync(join(dir, log), 'utf8');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(text, /ctx=staging ns=shop/);
  const file = JSON.parse(/file=(.*)/.exec(text)?.[1] ?? '{}') as { 'current-context'?: string; contexts?: Array<{ name: string; context: { namespace?: string } }> };
  assert.equal(file['current-context'], 'staging');
  assert.equal(file.contexts?.find((c) => c.name === 'staging')?.context.namespace, 'shop');
  const path = /kc=(\S+)/.exec(text)?.[1] ?? '';
  for (let i = 0; i < 40 && existsSync(path); i += 1) await new Promise((r) => setTimeout(r, 50));
  assert.ok(path && !existsSync(path), 'the scoped kubeconfig is gone once the command ended');
});
