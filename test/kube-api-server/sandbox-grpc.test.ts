// test-lane: slow: the kube sandbox serving the demo as a gRPC service, rolled by `rollcheck run --protocol grpc`
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrafficCommand } from '../helpers/traffic-command.js';
import { readSandboxOptions, startSandbox } from './sandbox.js';

test('kube sandbox --protocol grpc: the Deployment says DEMO_PROTOCOL=grpc and a grpc probe, the pods speak gRPC, and rollcheck run --protocol grpc rolls them', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-sandbox-grpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kc');
  const sandbox = await startSandbox(
    readSandboxOptions(['--kubeconfig', kubeconfig, '--replicas', '2', '--grace-period', '5s', '--prestop-sleep', '1500ms', '--endpoint-delay', '500ms', '--protocol', 'grpc']),
  );
  t.after(() => sandbox.close());
  const container = (sandbox.server.store.get('deployments', 'demo')?.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0];
  assert.deepEqual(container?.readinessProbe, { grpc: { port: 8080 }, periodSeconds: 1 });
  assert.deepEqual(container?.env, [{ name: 'DEMO_PROTOCOL', value: 'grpc' }]);

  const { results: r, err } = await runTrafficCommand(
    ['run', '--kubeconfig', kubeconfig, '--deployment', 'demo', '--url', sandbox.proxyUrl, '--protocol', 'grpc', '--grpc-method', 'rollcheck.demo.Demo/Work',
      '--pod-header', 'x-pod-name', '--rate', '60', '--baseline', '1s', '--cooldown', '1s', '--rollout-timeout', '60s', '--no-dashboard'],
    { dir, exits: [0, 1], env: { HOME: dir } },
  );
  assert.match(err, /readiness grpc :8080 every 1s/, 'the pre-flight reads the grpc probe');
  assert.ok(r.totals.ok > 100, `ok ${r.totals.ok}`);
  assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
  // Ground truth from the runtime: four pods, each ready by the gRPC probe, each a gRPC server.
  const created = sandbox.localEvents.filter((e) => e.kind === 'pod-created');
  assert.equal(created.length, 4, 'two pods and their two replacements');
  assert.equal(sandbox.localEvents.filter((e) => e.kind === 'pod-ready').length >= 4, true);
  for (const e of created) {
    if (e.kind === 'pod-created' && e.logPath) assert.match(readFileSync(e.logPath, 'utf8'), /\(protocol grpc,/, `${e.pod} speaks gRPC`);
  }
  // The answers named the pods: the run saw the pods the sandbox reported.
  const named = new Set(r.events.flatMap((e) => (e.kind === 'pod-created' ? [e.pod] : [])));
  for (const e of created) if (e.kind === 'pod-created') assert.ok(named.has(e.pod), `rollcheck run saw ${e.pod}`);
});
