// test-lane: slow: two DaemonSet rollouts on the kube sandbox
// A node-local Service on the kube sandbox (`--traffic-policy local`): the Service
// is internalTrafficPolicy Local, traffic enters on node-1 (the one node with the
// proxy's address) and the proxy sends it only to node-1's pod. A DaemonSet update
// without surge leaves node-1 without a pod: rollcheck run finds node-local-gap, as
// `rollcheck local` does with the same flags (test/cli/local-workloads.test.ts); with
// maxSurge 1 nothing fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { loadResults } from '../../../src/results/io.js';
import { readSandboxOptions, startSandbox } from '../../kube-api-server/sandbox.js';
import { isUsageError } from '../../../src/errors.js';
import { createTestIo } from '../../helpers.js';
import { judgeExit } from '../../helpers/traffic-command.js';

const SANDBOX = ['--workload', 'daemonset', '--nodes', '2', '--traffic-policy', 'local', '--prestop-sleep', '1s', '--endpoint-delay', '300ms', '--grace-period', '5s'];

test('--traffic-policy local on the sandbox: a DaemonSet update without surge → node-local-gap on node-1, exit 1', { timeout: 150_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-node-local-'));
  const s = await startSandbox(readSandboxOptions(['--kubeconfig', join(dir, 'kubeconfig'), ...SANDBOX]));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  const code = await runCli(['run', '--kubeconfig', s.kubeconfig, '--url', s.proxyUrl, '--workload', 'daemonset/demo', '--no-dashboard', '--baseline', '2s', '--cooldown', '1s', '--rate', '50', '-o', 'run.json'], io);
  const out = io.out() + io.err();
  const results = loadResults(join(dir, 'run.json'));
  judgeExit(code, results, [1], out);
  assert.equal(results.meta.facts.trafficPolicy, 'internal Local', out);
  assert.deepEqual(results.meta.cluster?.trafficPolicy, { node: 'node-1' }, 'the driver names the node --url enters on');
  const finding = results.analysis?.findings.find((f) => f.id === 'node-local-gap');
  assert.ok(finding, `${results.analysis?.findings.map((f) => f.id).join(', ')}\n${out}`);
  assert.match(finding.title, /while node-1 had no pod for its node-local traffic/);
});

test('--traffic-policy takes local or local=NODE of the sandbox\'s nodes', () => {
  const read = (...flags: string[]) => readSandboxOptions(['--kubeconfig', '/tmp/x', ...flags]);
  assert.deepEqual(read('--workload', 'daemonset', '--traffic-policy', 'local').trafficPolicy, { node: 'node-1' });
  assert.deepEqual(read('--workload', 'daemonset', '--traffic-policy', 'local=node-2', '--nodes', '2').trafficPolicy, { node: 'node-2' });
  assert.equal(read().trafficPolicy, undefined);
  for (const [flags, text] of [
    [['--workload', 'daemonset', '--traffic-policy', 'cluster'], /--traffic-policy: "cluster" is not local or local=NODE/],
    [['--workload', 'daemonset', '--traffic-policy', 'local=node-4'], /--traffic-policy: node-4 is not one of this sandbox's nodes \(node-1, node-2, node-3; --nodes sets how many\)/],
    [['--traffic-policy', 'local'], /--traffic-policy local needs --workload daemonset/],
  ] as const) {
    assert.throws(() => read(...flags), (e: unknown) => isUsageError(e) && text.test((e as Error).message));
  }
});
