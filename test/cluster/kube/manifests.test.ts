// test-lane: slow: kube sandbox with real pods
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createKubeDriver } from '../../../src/cluster/kube/index.js';
import { describeDeployment } from '../../../src/cluster/kube/workloads/deployment.js';
import type { DeploymentLike } from '../../../src/cluster/kube/workloads/deployment-status.js';
import { createClock } from '../../../src/results/clock.js';
import { startKubeApiServer } from '../../kube-api-server/server.js';
import { createKubeStore } from '../../kube-api-server/store.js';
import { createKubeModel } from '../../kube-api-server/kube-model.js';
import { createFakeController } from '../../kube-api-server/fake-controller.js';
import { startLocalBackedCluster } from '../../kube-api-server/local-backing.js';
import type { ClusterEvent } from '../../../src/results/events.js';

const docs = (path: string) => parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

/** grantedBy reads a manifest's Role (or ClusterRole) as "verb resource" pairs. */
function grantedBy(file: string, kind: 'Role' | 'ClusterRole' = 'Role'): Set<string> {
  const role = docs(file).find((d) => d.kind === kind) as { rules: Array<{ resources: string[]; verbs: string[] }> };
  return new Set(role.rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))));
}

/** rollOnce starts the driver, restarts the Deployment and waits for the rollout; the driver and then `cleanup` stop after the test. */
async function rollOnce(t: { after(fn: () => unknown): void }, driver: ReturnType<typeof createKubeDriver>, timeoutMs: number, cleanup: () => Promise<void>): Promise<void> {
  t.after(async () => {
    await driver.stop();
    await cleanup();
  });
  await driver.start();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(timeoutMs)).status, 'complete');
}

test('manifests/rbac.yaml grants every request a run makes in its namespace, rbac-nodes.yaml the cluster-wide nodes watch (nothing more)', async (t) => {
  const nodes = grantedBy('manifests/rbac-nodes.yaml', 'ClusterRole');
  assert.deepEqual([...nodes].sort(), ['get nodes', 'list nodes', 'watch nodes']);
  const granted = new Set([...grantedBy('manifests/rbac.yaml'), ...nodes]);
  const store = createKubeStore();
  const model = createKubeModel({ store, graceSeconds: 1 });
  const controller = createFakeController(model, { exitCode: 0 });
  controller.seed();
  const server = await startKubeApiServer({ store, onPatch: () => void controller.rollout() });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rbac-'));
  const driver = createKubeDriver({ kubeconfig: server.writeKubeconfig(dir), workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:1/' }, { clock: createClock(), emit: () => undefined });
  await rollOnce(t, driver, 20_000, async () => {
    controller.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const used = new Set(server.requests);
  for (const want of ['get deployments', 'patch deployments', 'watch pods', 'watch endpointslices', 'watch events', 'list services', 'list nodes', 'watch nodes']) {
    assert.ok(used.has(want), `the run used ${want}: ${[...used].join(', ')}`);
  }
  for (const r of used) assert.ok(granted.has(r), `rbac.yaml grants "${r}"`);
});

test('a run without rbac-nodes.yaml (403 on nodes) still runs and says in one line what it cannot see', async (t) => {
  const store = createKubeStore();
  const model = createKubeModel({ store, graceSeconds: 1 });
  const controller = createFakeController(model, { exitCode: 0 });
  controller.seed();
  const server = await startKubeApiServer({ store });
  server.forbid('list', 'nodes');
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rbac-nodes-'));
  const events: ClusterEvent[] = [];
  const driver = createKubeDriver({ kubeconfig: server.writeKubeconfig(dir), workload: { kind: 'deployment', name: 'demo' }, url: 'http://127.0.0.1:1/' }, { clock: createClock(), emit: (e) => events.push(e) });
  t.after(async () => {
    await driver.stop();
    controller.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const target = await driver.start();
  assert.equal(target.facts.nodes, undefined, 'no node list without access');
  const notes = events.flatMap((e) => (e.kind === 'note' && /nodes/i.test(e.message) ? [e.message] : []));
  assert.equal(notes.length, 1, JSON.stringify(events));
  assert.match(notes[0] ?? '', /^Nodes are not readable \(403 Forbidden on list\/watch nodes\): cordons are not seen, so a drain by someone else shows only as its evictions, not as a drain; grant list and watch on nodes \(manifests\/rbac-nodes.yaml\)$/);
  assert.ok(!(notes[0] ?? '').includes('\n'));
});

test('manifests/rbac.yaml + rbac-inspect.yaml grant every request an --inspect-pid1 run makes; rbac-inspect.yaml grants pods/exec only', async (t) => {
  const inspect = grantedBy('manifests/rbac-inspect.yaml');
  assert.deepEqual([...inspect].sort(), ['create pods/exec', 'get pods/exec']);
  const both = new Set([...grantedBy('manifests/rbac.yaml'), ...grantedBy('manifests/rbac-nodes.yaml', 'ClusterRole'), ...inspect]);
  const cluster = await startLocalBackedCluster({ app: { kind: 'demo', entrypoint: 'exec' }, replicas: 2, graceMs: 2000 });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rbac-inspect-'));
  const events: ClusterEvent[] = [];
  const driver = createKubeDriver(
    { kubeconfig: cluster.server.writeKubeconfig(dir), workload: { kind: 'deployment', name: 'demo' }, url: cluster.proxyUrl, inspectPid1: true },
    { clock: createClock(), emit: (e) => events.push(e) },
  );
  await rollOnce(t, driver, 60_000, async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Old pods at the start and new ones during the rollout: each inspected once, in the background (the last may still be at it).
  const count = (kind: string) => events.filter((e) => e.kind === kind).length;
  for (let i = 0; i < 100 && count('pid1') + count('pid1-unknown') < new Set(events.filter((e) => e.kind === 'pod-ready').map((e) => (e as { pod: string }).pod)).size; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const inspected = events.filter((e) => e.kind === 'pid1').map((e) => (e as { pod: string }).pod);
  const ready = [...new Set(events.filter((e) => e.kind === 'pod-ready').map((e) => (e as { pod: string }).pod))];
  assert.deepEqual([...inspected].sort(), [...ready].sort(), JSON.stringify(events.filter((e) => e.kind.startsWith('pid1'))));
  assert.equal(ready.length, 4);
  const used = new Set(cluster.server.requests);
  for (const want of ['get pods/exec', 'create pods/exec']) assert.ok(used.has(want), `the run used ${want}`);
  for (const r of used) assert.ok(both.has(r), `rbac.yaml + rbac-nodes.yaml + rbac-inspect.yaml grant "${r}"`);
});

test('the gRPC demo Deployment: DEMO_PROTOCOL=grpc, a grpc readiness probe the pre-flight reads without a warning, and a preStop', () => {
  const grpc = docs('manifests/demo/deployment-grpc.yaml')[0] as DeploymentLike;
  const { facts, warnings } = describeDeployment(grpc);
  assert.deepEqual(warnings, []);
  assert.equal(facts.readinessProbe, 'grpc :8080 every 1s');
  assert.equal(facts.preStop, 'exec sleep 5');
  const env = (grpc.spec?.template?.spec as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]?.env ?? [];
  assert.equal(env.find((e) => e.name === 'DEMO_PROTOCOL')?.value, 'grpc');
  const tcp = structuredClone(grpc);
  (tcp.spec?.template?.spec as { containers: Array<Record<string, unknown>> }).containers[0]!.readinessProbe = { tcpSocket: { port: 8080 } };
  assert.deepEqual(describeDeployment(tcp).warnings, []);
  assert.equal(describeDeployment(tcp).facts.readinessProbe, 'tcpSocket :8080');
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
