// test-lane: slow: real kubectl
// Real kubectl against the test server's Argo Rollouts resource: discovery of
// argoproj.io/v1alpha1, `kubectl get rollouts` (and its short name), and the
// patches `kubectl argo rollouts restart|abort` send, stored as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnless } from '../tools.js';
import { startKubeApiServer } from './server.js';
import { rolloutObject } from './rollout-object.js';

const TEMPLATE = { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'app', image: 'rollcheck-demo:1' }] } };

test('kubectl discovers Argo Rollouts, lists and patches a Rollout', { skip: skipUnless('kubectl'), timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rollout-kubectl-'));
  const server = await startKubeApiServer();
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  server.store.put('rollouts', rolloutObject({ name: 'demo', namespace: 'default', replicas: 2, template: TEMPLATE, strategy: { blueGreen: { activeService: 'demo', scaleDownDelaySeconds: 30 } } }));
  const kubeconfig = server.writeKubeconfig(dir);
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('kubectl', args, { env, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
    );
  const resources = await kubectl('api-resources', '--api-group', 'argoproj.io');
  assert.match(resources, /^rollouts\s+ro\s+argoproj\.io\/v1alpha1\s+true\s+Rollout$/m, resources);
  assert.match(await kubectl('get', 'rollouts'), /^demo\s/m);
  const got = JSON.parse(await kubectl('get', 'ro', 'demo', '-o', 'json')) as { apiVersion: string; spec: { strategy: { blueGreen?: { scaleDownDelaySeconds?: number } } } };
  assert.equal(got.apiVersion, 'argoproj.io/v1alpha1');
  assert.equal(got.spec.strategy.blueGreen?.scaleDownDelaySeconds, 30);
  // `kubectl argo rollouts restart` sets spec.restartAt with a merge patch.
  const restartAt = '2026-12-06T23:00:00Z';
  await kubectl('patch', 'rollout', 'demo', '--type', 'merge', '-p', JSON.stringify({ spec: { restartAt } }));
  const after = JSON.parse(await kubectl('get', 'rollout.argoproj.io/demo', '-o', 'json')) as { metadata: { generation: number }; spec: { restartAt?: string } };
  assert.equal(after.spec.restartAt, restartAt);
  assert.equal(after.metadata.generation, 2, 'a spec change bumps the generation');
  assert.ok(server.requests.includes('patch rollouts'));
  // A Rollout that breaks Argo's schema never reaches the store.
  assert.throws(() => rolloutObject({ name: 'bad', namespace: 'default', replicas: -1.5, template: TEMPLATE, strategy: { canary: { steps: [{ setWeight: 25 }] } } }));
});
