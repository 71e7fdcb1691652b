import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import { describeDeployment } from '../../../src/cluster/kube/preflight.js';
import type { DeploymentLike } from '../../../src/cluster/kube/rollout-status.js';
import { createClock } from '../../../src/results/clock.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';

const docs = (path: string) => parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

test('manifests/rbac.yaml grants every request a run makes', async (t) => {
  const role = docs('manifests/rbac.yaml').find((d) => d.kind === 'Role') as { rules: Array<{ resources: string[]; verbs: string[] }> };
  const granted = new Set(role.rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))));
  const store = createKubeStore();
  const model = createKubeModel({ store, graceSeconds: 1 });
  const controller = createFakeController(model, { exitCode: 0 });
  controller.seed();
  const server = await startKubeApiServer({ store, onPatch: () => void controller.rollout() });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rbac-'));
  const driver = createKubeDriver({ kubeconfig: server.writeKubeconfig(dir), deployment: 'demo', url: 'http://127.0.0.1:1/' }, { clock: createClock(), emit: () => undefined });
  t.after(async () => {
    controller.stop();
    await driver.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await driver.start();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(20_000)).status, 'complete');
  const used = new Set(server.requests);
  for (const want of ['get deployments', 'patch deployments', 'watch pods', 'watch endpointslices', 'watch events', 'list services']) {
    assert.ok(used.has(want), `the run used ${want}: ${[...used].join(', ')}`);
  }
  for (const r of used) assert.ok(granted.has(r), `rbac.yaml grants "${r}"`);
});

test('the demo Deployments have a preStop and a readiness probe and differ only in the entrypoint', () => {
  const shell = docs('manifests/demo/deployment-shell.yaml')[0] as DeploymentLike;
  const exec = docs('manifests/demo/deployment-exec.yaml')[0] as DeploymentLike;
  for (const d of [shell, exec]) {
    const { facts, warnings } = describeDeployment(d);
    assert.deepEqual(warnings, []);
    assert.equal(facts.preStop, 'exec sleep 5');
    assert.match(String(facts.readinessProbe), /^httpGet \/healthz/);
  }
  const command = (d: DeploymentLike) => (d.spec?.template?.spec as { containers: Array<{ command: string[] }> }).containers[0]?.command;
  assert.deepEqual(command(shell), ['/app/entrypoint-shell.sh']);
  assert.deepEqual(command(exec), ['/app/entrypoint-exec.sh']);
  const strip = (d: DeploymentLike) => JSON.stringify(d).replace(/entrypoint-(shell|exec)/, '');
  assert.equal(strip(shell), strip(exec));
  const svc = docs('manifests/demo/service.yaml')[0] as { spec: { selector: Record<string, string> } };
  assert.deepEqual(svc.spec.selector, shell.spec?.template?.metadata?.labels);
});
