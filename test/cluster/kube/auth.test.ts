// test-lane: slow: kube sandbox with real pods
// Every way a kubeconfig authenticates: a bearer token (the other tests), a
// client certificate (mTLS), an exec credential plugin (client.authentication.k8s.io/v1
// ExecCredential, as gke-gcloud-auth-plugin, aws eks get-token and kubelogin print),
// and a fresh credential after the server starts refusing the old one (401).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { createClock } from '../../../src/results/clock.js';
import { createTestIo } from '../../helpers.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import type { KubeconfigUser } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';

async function world(t: { after(fn: () => unknown): void }) {
  const store = createKubeStore();
  createFakeController(createKubeModel({ store }), { exitCode: 0 }).seed();
  const server = await startKubeApiServer({ store, token: 'first-token-abcdef', bookmarkMs: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-kube-auth-'));
  const drivers: Array<{ stop(): Promise<void> }> = [];
  t.after(async () => {
    for (const d of drivers) await d.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const driver = (user: KubeconfigUser) => {
    const events: ClusterEvent[] = [];
    const d = createKubeDriver(
      { kubeconfig: server.writeKubeconfig(dir, { user }), workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:1/', cwd: dir, env: { PATH: process.env.PATH }, watchBackoffMs: [50, 100] },
      { clock: createClock(), emit: (e) => events.push(e) },
    );
    drivers.push(d);
    return { d, events };
  };
  return { server, store, dir, driver };
}

test('mTLS: a client certificate signed by the cluster CA authenticates without any token', async (t) => {
  const w = await world(t);
  const { d } = w.driver({ clientCert: true });
  const target = await d.start();
  assert.equal(target.facts.deployment, 'demo');
  assert.ok(w.server.requests.includes('watch pods'));
});

test('exec credential plugin: its token is used, and after a rotation (401) it is run again for a fresh one, for calls and for watches', async (t) => {
  const w = await world(t);
  const tokenFile = join(w.dir, 'token');
  const runs = join(w.dir, 'runs');
  writeFileSync(tokenFile, 'first-token-abcdef');
  writeFileSync(runs, '');
  const plugin = join(w.dir, 'test-auth-plugin');
  // A cached credential that claims to be valid for hours: only a 401 makes the client ask again.
  writeFileSync(
    plugin,
    '#!/bin/sh\necho run >> "$RUNS"\nprintf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\\n\' "$(cat "$TOKEN_FILE")"\n',
  );
  chmodSync(plugin, 0o755);
  const { d, events } = w.driver({ exec: { command: plugin, env: { TOKEN_FILE: tokenFile, RUNS: runs } } });
  await d.start();
  const before = readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
  assert.ok(before >= 1, 'the plugin ran');
  w.server.rotateToken('second-token-123456');
  writeFileSync(tokenFile, 'second-token-123456');
  await d.scale(3);
  const spec = w.store.get('deployments', 'demo')?.spec as { replicas?: number };
  assert.equal(spec.replicas, 3, 'the PATCH went through after a refresh');
  assert.ok(readFileSync(runs, 'utf8').split('\n').filter(Boolean).length > before, 'the plugin ran again');
  // Watches cut now reconnect with the rotated credential.
  w.server.rotateToken('third-token-7890ab');
  writeFileSync(tokenFile, 'third-token-7890ab');
  w.server.dropWatches('pods');
  for (let i = 0; i < 60 && !events.some((e) => e.kind === 'watch-resumed' && e.resource === 'pods'); i += 1) await new Promise((r) => setTimeout(r, 50));
  assert.ok(events.some((e) => e.kind === 'watch-resumed' && e.resource === 'pods'), JSON.stringify(events.filter((e) => e.kind.startsWith('watch'))));
});

test('a missing exec plugin binary is a one-line error naming it', async (t) => {
  const w = await world(t);
  const kubeconfig = w.server.writeKubeconfig(w.dir, { user: { exec: { command: 'gke-gcloud-auth-plugin-not-here' } } });
  const io = createTestIo({ cwd: w.dir, env: { HOME: w.dir, PATH: process.env.PATH ?? '' } });
  const code = await runCli(['run', '--kubeconfig', kubeconfig, '--deployment', 'demo', '--url', 'http://127.0.0.1:9/', '--out', join(w.dir, 'r.json'), '--no-dashboard'], io);
  assert.equal(code, 2);
  const lines = io.err().split('\n').filter((l) => l.startsWith('rollcheck:'));
  assert.equal(lines.length, 1, io.err());
  assert.match(lines[0] ?? '', /exec credential plugin "gke-gcloud-auth-plugin-not-here" .* is not installed or not on PATH/);
  assert.doesNotMatch(io.err(), /\n\s+at /);
});
