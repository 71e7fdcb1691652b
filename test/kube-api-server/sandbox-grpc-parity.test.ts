// test-lane: heavy: four gRPC rollouts, two on the kube sandbox through `rollcheck run`, two on the embedded runtime
// Sandbox parity for gRPC: `rollcheck run --protocol grpc` against the kube
// sandbox reaches the same findings as `rollcheck local --protocol grpc` for the
// same Deployment: the abrupt stop (DEMO_DRAIN=0, no preStop) and the good one
// (preStop sleep + graceful stop). The sandbox infers SIGTERM from the pod's
// deletion as a cluster would; local knows it: the findings must agree anyway.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { judgeExit } from '../helpers/traffic-command.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { readSandboxOptions, startSandbox } from './sandbox.js';

const TRAFFIC = ['--protocol', 'grpc', '--grpc-method', 'rollcheck.demo.Demo/Work', '--pod-header', 'x-pod-name', '--rate', '60', '--baseline', '1s', '--cooldown', '1s', '--no-dashboard'];
const SHAPE = ['--replicas', '2', '--grace-period', '5s', '--endpoint-delay', '500ms'];

interface Rung {
  name: string;
  /** deployment: the sandbox flags and `rollcheck local` flags that shape the same pods. */
  deployment: string[];
  expect: 'no-graceful-stop' | 'pass';
}

const RUNGS: Rung[] = [
  { name: 'abrupt (DEMO_DRAIN=0, no preStop)', deployment: ['--env', 'DEMO_DRAIN=0'], expect: 'no-graceful-stop' },
  { name: 'preStop sleep + graceful stop', deployment: ['--prestop-sleep', '1500ms'], expect: 'pass' },
];

/** tmp makes a temp dir the test removes. */
function tmp(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-grpc-parity-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function viaRun(t: TestContext, rung: Rung): Promise<{ code: number; r: Results }> {
  const dir = tmp(t);
  const kubeconfig = join(dir, 'kc');
  const sandbox = await startSandbox(readSandboxOptions(['--kubeconfig', kubeconfig, ...SHAPE, ...rung.deployment, '--protocol', 'grpc']));
  try {
    const io = createTestIo({ cwd: dir, env: { HOME: dir } });
    const out = join(dir, 'run.json');
    const code = await runCli(['run', '--kubeconfig', kubeconfig, '--deployment', 'demo', '--url', sandbox.proxyUrl, ...TRAFFIC, '--rollout-timeout', '60s', '--out', out], io);
    return { code, r: loadResults(out) };
  } finally {
    await sandbox.close();
  }
}

async function viaLocal(t: TestContext, rung: Rung): Promise<{ code: number; r: Results }> {
  const dir = tmp(t);
  const io = createTestIo({ cwd: dir });
  const out = join(dir, 'run.json');
  const code = await runCli(['local', '--app', 'demo', '--entrypoint', 'exec', ...SHAPE, ...rung.deployment, ...TRAFFIC, '--out', out], io);
  return { code, r: loadResults(out) };
}

/** critical lists a run's critical findings, sorted: what fails a rollout and names its cause. */
const critical = (r: Results): string[] => (r.analysis?.findings ?? []).filter((f) => f.severity === 'critical').map((f) => f.id).sort();

/** counted is how many failures the verdict counted (it leaves out the streams a standard client retries unseen). */
const counted = (r: Results): number => r.totals.failed - (r.analysis?.verdict.uncounted?.neverProcessed ?? 0);

for (const rung of RUNGS) {
  test(`gRPC parity, ${rung.name}: rollcheck run on the kube sandbox and rollcheck local find the same`, { timeout: 170_000 }, async (t) => {
    const cluster = await viaRun(t, rung);
    const local = await viaLocal(t, rung);
    for (const [how, { code, r }] of [['run', cluster], ['local', local]] as const) {
      judgeExit(code, r, [rung.expect === 'pass' ? 0 : 1], how);
      assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0), `${how}: every request accounted for`);
      assert.ok(r.events.filter((e) => e.kind === 'sigterm').length >= 2, `${how}: both old pods were stopped`);
      if (rung.expect === 'pass') assert.equal(counted(r), 0, `${how}: ${JSON.stringify(r.totals.byKind)}`);
      else assert.ok(critical(r).includes(rung.expect), `${how}: found ${critical(r).join(', ') || 'nothing'}`);
    }
    assert.deepEqual(critical(cluster.r), critical(local.r), 'the same critical findings on the sandbox and on the embedded runtime');
  });
}
