// test-lane: slow: the user-facing sandbox with real kubectl and a runner Job
// The user-facing sandbox serves Jobs and Secrets, so `rollcheck run --runners N`
// works against `npm run kube-sandbox` as the README shows (not only in the runners test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnless } from '../tools.js';
import { startSandbox } from './sandbox.js';

test('npm run kube-sandbox serves Secrets and Jobs to real kubectl', { skip: skipUnless('kubectl'), timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-sandbox-jobs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = await startSandbox({ kubeconfig: join(dir, 'kc'), replicas: 1, entrypoint: 'exec', prestopMs: null, graceMs: 2000, endpointDelayMs: 0, env: {}, sidecar: null, workload: 'deployment' });
  t.after(() => sandbox.close());
  const env = { ...process.env, KUBECONFIG: sandbox.kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('kubectl', args, { env, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
    );
  // `create -f` sends JSON, as rollcheck's client does (`create secret generic` would send protobuf, which the sandbox does not speak).
  const file = join(dir, 'secret.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'spec' }, data: { spec: Buffer.from('hello').toString('base64') } }));
  assert.match(await kubectl('create', '--validate=false', '-f', file), /secret\/spec created/);
  const secret = JSON.parse(await kubectl('get', 'secret', 'spec', '-o', 'json')) as { data: Record<string, string> };
  assert.equal(Buffer.from(secret.data.spec ?? '', 'base64').toString(), 'hello');
  assert.match(await kubectl('delete', 'secret', 'spec'), /deleted/);
  assert.match(await kubectl('get', 'jobs', '-o', 'name'), /^$/);
  // kubectl delete reads the object once more to wait for it to go.
  assert.deepEqual([...new Set(sandbox.jobs.requests)], ['create secrets', 'get secrets', 'delete secrets', 'list jobs']);
});
