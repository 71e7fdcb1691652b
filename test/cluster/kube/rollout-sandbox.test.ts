// test-lane: heavy: Argo Rollout rollouts on the kube sandbox whose verdicts need the cores
// `rollcheck run --workload rollout/demo` against the kube sandbox serving an
// Argo Rollout (blue-green, an endpoint delay of 2 s standing in for the
// ingress's propagation): scaleDownDelaySeconds 0 drops requests on the old
// pods (stable-scaled-down-early, exit 1); a delay past the propagation drops
// none (exit 0). Every call the driver made is granted by manifests/rbac.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { loadResults } from '../../../src/results/io.js';
import { createTestIo } from '../../helpers.js';
import { startLocalBackedCluster } from '../../kube-api-server/local-backing.js';
import { RUN_GRANTS, rbacGrants } from './rbac-grants.js';

const granted = (): Set<string> => rbacGrants(...RUN_GRANTS);

async function rollBlueGreen(t: { after(fn: () => Promise<void>): void }, scaleDownDelayMs: number) {
  const cluster = await startLocalBackedCluster({
    app: { kind: 'demo', entrypoint: 'exec' },
    replicas: 2,
    graceMs: 10_000,
    preStop: { kind: 'sleep', ms: 1000 },
    endpointDelayMs: 2000,
    strategy: { kind: 'blue-green', scaleDownDelayMs },
  });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rollout-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const argv = ['run', '--kubeconfig', cluster.server.writeKubeconfig(dir), '--workload', 'rollout/demo', '--url', cluster.proxyUrl];
  const code = await runCli([...argv, '--rate', '60', '--warmup', '1s', '--baseline', '1s', '--cooldown', '1s', '--no-dashboard', '--out', out], io);
  return { code, io, results: loadResults(out), requests: cluster.server.requests };
}

test('blue-green Rollout on the sandbox: scaleDownDelaySeconds 0 is stable-scaled-down-early (exit 1), 5 s drops nothing (exit 0)', { timeout: 240_000 }, async (t) => {
  const racy = await rollBlueGreen(t, 0);
  assert.equal(racy.code, 1, racy.io.err());
  assert.match(racy.io.err(), /found rollout demo in default .*blueGreen \(scaleDownDelaySeconds 0\)/);
  const early = racy.results.analysis?.findings.find((f) => f.id === 'stable-scaled-down-early');
  assert.ok(early && early.failures > 0, `findings: ${racy.results.analysis?.findings.map((f) => `${f.id} ${f.failures}`).join(', ')}`);
  assert.deepEqual(racy.results.analysis?.rolloutSteps?.map((s) => s.action), ['preview', 'switch', 'scale-down']);
  const fixed = await rollBlueGreen(t, 5000);
  assert.equal(fixed.results.totals.failed, 0, `failures: ${fixed.results.failures.map((f) => f.kind).join(', ')}`);
  assert.equal(fixed.code, 0, fixed.io.err());
  const allowed = granted();
  for (const r of [...racy.requests, ...fixed.requests]) {
    if (r.startsWith('list ') || r.startsWith('watch ') || r.startsWith('get ') || r.startsWith('patch ')) assert.ok(allowed.has(r), `${r} is not granted by manifests/rbac.yaml`);
  }
  assert.ok(racy.requests.includes('patch rollouts') && racy.requests.includes('watch rollouts'));
});
