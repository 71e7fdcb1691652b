// test-lane: slow: kube sandbox with real pods
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import { createClock } from '../../../src/results/clock.js';
import { createTestIo } from '../../helpers.js';
import { startKubeApiServer, kubeconfigText } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';

const TOKEN = 'sekret-token-9f8e7d6c5b4a';

// One server for every case: each case changes only what it needs.
async function world(t: { after(fn: () => unknown): void }, o: { seed?: boolean; service?: boolean; rolledOut?: boolean } = {}) {
  const store = createKubeStore();
  const model = createKubeModel({ store, service: o.service });
  if (o.seed !== false) createFakeController(model, { exitCode: 0 }).seed();
  else model.markRolledOut();
  if (o.rolledOut === false) model.setStatus({ replicas: 3, updated: 1, ready: 2, available: 2 });
  const server = await startKubeApiServer({ store, token: TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-err-'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (extra: string[], kubeconfig = server.writeKubeconfig(dir)) => {
    const io = createTestIo({ cwd: dir, env: { HOME: dir } });
    const code = await runCli(['run', '--kubeconfig', kubeconfig, '--deployment', 'demo', '--url', 'http://127.0.0.1:9/', '--out', join(dir, 'r.json'), '--no-dashboard', ...extra], io);
    const err = io.err().split('\n').filter((l) => l.startsWith('rollcheck:'));
    assert.equal(code, 2, io.err());
    assert.equal(err.length, 1, `one error line: ${io.err()}`);
    assert.doesNotMatch(io.err() + io.out(), /\n\s+at |sekret|Error:/, 'no stack, no token');
    return err[0] as string;
  };
  return { server, dir, run, model };
}

test('401: wrong token', async (t) => {
  const w = await world(t);
  const line = await w.run([], w.server.writeKubeconfig(w.dir, { token: 'sekret-wrong' }));
  assert.match(line, /rejected the credentials \(401 Unauthorized\)/);
});

test('403 names the verb and resource and points to manifests/rbac.yaml', async (t) => {
  const w = await world(t);
  w.server.forbid('watch', 'pods');
  assert.match(await w.run([]), /forbidden: cannot watch pods in namespace "default" \(403\).*manifests\/rbac\.yaml/);
  w.server.forbid('patch', 'deployments');
  w.server.forbid('get', 'deployments');
  assert.match(await w.run([]), /cannot get deployments "demo"/);
});

test('deployment and service not found list what exists', async (t) => {
  const w = await world(t);
  assert.match(await w.run(['--deployment', 'nope']), /deployment "nope" not found in namespace "default"; deployments there: demo/);
  assert.match(await w.run(['--service', 'nope']), /service "nope" not found in namespace "default"; services there: demo/);
  assert.match(await w.run(['-n', 'other']), /deployment "demo" not found in namespace "other"; deployments there: \(none\)/);
});

test('no service selects the pods; a service with no endpoints; not rolled out', async (t) => {
  const w1 = await world(t, { service: false });
  assert.match(await w1.run([]), /no service in namespace "default" selects the pods of deployment "demo"/);
  const w2 = await world(t, { seed: false });
  assert.match(await w2.run([]), /service "demo" has no ready endpoints/);
  const w3 = await world(t, { rolledOut: false });
  assert.match(await w3.run([]), /not fully rolled out \(1 out of 2 new replicas have been updated\)/);
});

test('unreachable API server, TLS error', async (t) => {
  const w = await world(t);
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  const down = join(w.dir, 'down');
  writeFileSync(down, kubeconfigText(`https://127.0.0.1:${port}`, 'x', TOKEN, 'default', 'test'));
  assert.match(await w.run([], down), /cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  const noCa = w.server.writeKubeconfig(w.dir, { caPem: '' });
  assert.match(await w.run([], noCa), /TLS error talking to the API server .*certificate-authority/);
});

test('broken kubeconfig, missing kubeconfig, unknown context — without quoting the file', async (t) => {
  const w = await world(t);
  const broken = join(w.dir, 'broken');
  writeFileSync(broken, `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: sekret-in-file\n  : [unclosed\n`);
  assert.match(await w.run([], broken), /is not a valid kubeconfig \(YAML syntax error at line \d+\)/);
  const empty = join(w.dir, 'empty');
  writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
  assert.match(await w.run([], empty), /not a valid kubeconfig \(no clusters or contexts\)/);
  assert.match(await w.run([], join(w.dir, 'missing')), /kubeconfig .*missing not found/);
  assert.match(await w.run(['--context', 'prod']), /context "prod" not found in .*; available: test/);
});

test('bad --trigger is a usage error before anything connects', async (t) => {
  const w = await world(t);
  assert.match(await w.run(['--trigger', 'rollback']), /--trigger "rollback" is not one of restart/);
  assert.equal(w.server.requests.length, 0);
});

test('an API server that accepts but never answers times out as unreachable', async (t) => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((s) => void sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-silent-'));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`, '', TOKEN, 'default', 'test'));
  const driver = createKubeDriver({ kubeconfig, workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:9/', requestTimeoutMs: 300 }, { clock: createClock(), emit: () => undefined });
  await assert.rejects(driver.start(), (e: Error) => e.name === 'UsageError' && /cannot reach the API server at https:\/\/127\.0\.0\.1:\d+/.test(e.message) && !e.message.includes(TOKEN));
  await driver.stop();
});

test('a trigger that cannot roll this Deployment fails before any traffic (unknown container, paused)', async (t) => {
  const w = await world(t);
  assert.match(await w.run(['--trigger', 'image=sidecar=web:2']), /name one of the containers of deployment "demo": app/);
  const d = w.server.store.get('deployments', 'demo');
  if (d) w.server.store.put('deployments', { ...d, spec: { ...(d.spec as object), paused: true } });
  assert.match(await w.run([]), /deployment "demo" is paused, so it would not roll; run `kubectl rollout resume deployment\/demo` first/);
  assert.equal(w.server.patches.length, 0);
});
