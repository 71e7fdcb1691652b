// test-lane: heavy: node drains and StatefulSet rollouts on the kube sandbox whose verdicts need the cores
// Node drains on the kube sandbox (real pods on named nodes): real kubectl drain
// against PodDisruptionBudgets and the Eviction API, `rollcheck run --trigger
// drain=NODE` with and without a budget, and a StatefulSet of the shell demo
// rolled by `rollcheck run --workload statefulset/demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeExit } from '../../helpers/traffic-command.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Node } from 'kubernetes-models/v1/Node';
import { Pod } from 'kubernetes-models/v1/Pod';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { runCli } from '../../../src/cli/program.js';
import { loadResults } from '../../../src/results/io.js';
import { analyze } from '../../../src/analysis/index.js';
import { findIncarnations, withIncarnations } from '../../../src/analysis/incarnations.js';
import { buildPodTimelines } from '../../../src/analysis/pod-timeline.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import type { Results } from '../../../src/results/types.js';
import { readSandboxOptions, startSandbox } from '../../kube-api-server/sandbox.js';
import type { KubeObject } from '../../kube-api-server/store.js';
import { createTestIo } from '../../helpers.js';
import { skipUnless } from '../../tools.js';
import { RUN_GRANTS, rbacGrants } from './rbac-grants.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const RUN = ['--no-dashboard', '--baseline', '2s', '--cooldown', '1s', '--rate', '40'];

async function sandbox(t: { after(fn: () => unknown): void }, flags: string[]): Promise<{ s: Sandbox; dir: string; kubectl(...args: string[]): Promise<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-drain-'));
  const s = await startSandbox(readSandboxOptions(['--kubeconfig', join(dir, 'kubeconfig'), '--endpoint-delay', '200ms', ...flags]));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: s.kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('kubectl', args, { env, timeout: 90_000 }, (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout + stderr))),
    );
  return { s, dir, kubectl };
}

const nodeOf = (p: KubeObject): string | undefined => (p.spec as { nodeName?: string } | undefined)?.nodeName;
const isReady = (p: KubeObject): boolean => ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** runRollcheck runs `rollcheck run` in-process against the sandbox and loads its results. */
async function runRollcheck(s: Sandbox, dir: string, args: string[]): Promise<{ code: number; out: string; results: Results }> {
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  const code = await runCli(['run', '--kubeconfig', s.kubeconfig, '--url', s.proxyUrl, ...RUN, '-o', 'run.json', ...args], io);
  return { code, out: io.out() + io.err(), results: loadResults(join(dir, 'run.json')) };
}


const ofKind = <K extends ClusterEvent['kind']>(r: Results, kind: K) => r.events.filter((e): e is Extract<ClusterEvent, { kind: K }> => e.kind === kind);

test('real kubectl drains a node holding 2 of 3 replicas: with a PDB maxUnavailable 1 the second eviction gets 429 until the first replacement is ready', { skip: skipUnless('kubectl'), timeout: 150_000 }, async (t) => {
  const { s, kubectl } = await sandbox(t, ['--replicas', '3', '--nodes', '2', '--grace-period', '2s']);
  const seen: Array<{ atMs: number; resource: string; o: KubeObject }> = [];
  const unsubscribe = s.server.store.subscribe((c) => void seen.push({ atMs: Date.now(), resource: c.resource, o: c.object }));
  t.after(unsubscribe);
  assert.match(await kubectl('get', 'nodes'), /node-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0\nnode-2\s+Ready/);
  const before = s.server.store.list('pods');
  assert.equal(before.filter((p) => nodeOf(p) === 'node-1').length, 2, 'spread: node-1 holds 2 of 3');
  assert.match(await kubectl('get', 'pods', '-o', 'wide'), /node-1/);
  assert.match(await kubectl('create', 'pdb', 'demo', '--selector=app=demo', '--max-unavailable=1'), /poddisruptionbudget.policy\/demo created/);
  assert.match(await kubectl('get', 'pdb'), /demo\s+N\/A\s+1\s+1\s+/);
  const drained = await kubectl('drain', 'node-1', '--ignore-daemonsets', '--timeout', '90s');
  assert.match(drained, /node\/node-1 cordoned/);
  assert.match(drained, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.match(drained, /node\/node-1 drained/);
  // Each evicted pod's deletion (deletionTimestamp) and each replacement's Ready, in time order.
  const onNode1 = new Set(before.filter((p) => nodeOf(p) === 'node-1').map((p) => p.metadata.name));
  const deletedAt = [...onNode1].map((n) => seen.find((x) => x.resource === 'pods' && x.o.metadata.name === n && x.o.metadata.deletionTimestamp)?.atMs ?? Infinity).sort((a, b) => a - b);
  const firstReplacementReady = seen.find((x) => x.resource === 'pods' && !before.some((b) => b.metadata.name === x.o.metadata.name) && isReady(x.o))?.atMs ?? Infinity;
  assert.ok((deletedAt[0] ?? Infinity) < firstReplacementReady, 'the first eviction went through at once');
  assert.ok(firstReplacementReady <= (deletedAt[1] ?? -Infinity), 'the second waited for the first replacement to be ready');
  assert.ok(s.server.requests.filter((r) => r === 'create pods/eviction').length >= 3, 'one eviction was refused and tried again');
  const after = s.server.store.list('pods');
  assert.deepEqual([...new Set(after.map(nodeOf))], ['node-2'], 'every pod now runs on node-2');
  assert.match(await kubectl('get', 'nodes'), /node-1\s+Ready,SchedulingDisabled/);
  // Every Node, PodDisruptionBudget and Pod the sandbox showed is valid against the Kubernetes schema.
  const check: Record<string, (o: object) => void> = { nodes: (o) => new Node(o as never).validate(), poddisruptionbudgets: (o) => new PodDisruptionBudget(o as never).validate(), pods: (o) => new Pod(o as never).validate() };
  for (const x of seen) assert.doesNotThrow(() => check[x.resource]?.(x.o), `${x.resource} ${x.o.metadata.name}: ${JSON.stringify(x.o)}`);
  assert.ok(seen.some((x) => x.resource === 'poddisruptionbudgets' && (x.o.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed === 0), 'the budget reached 0 allowed');
});

test('rollcheck run --trigger drain=node-1 without a PDB: 2 of 3 evicted at once → no-pdb; every call granted by rbac.yaml + rbac-drain.yaml', { timeout: 150_000 }, async (t) => {
  const { s, dir } = await sandbox(t, ['--replicas', '3', '--nodes', '2', '--grace-period', '2s', '--prestop-sleep', '500ms']);
  // A node the cluster does not have is one line naming those it has, before any traffic.
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  assert.equal(await runCli(['run', '--kubeconfig', s.kubeconfig, '--url', s.proxyUrl, ...RUN, '--deployment', 'demo', '--trigger', 'drain=node-9'], io), 2);
  assert.match(io.err(), /^rollcheck: --trigger drain=node-9: no node "node-9" in the cluster; its nodes: node-1, node-2$/m);
  assert.doesNotMatch(io.err(), /\n\s+at /, 'no stack trace');
  const { out, results } = await runRollcheck(s, dir, ['--deployment', 'demo', '--trigger', 'drain=node-1', '--drain-timeout', '90s']);
  const story = `${out}\n${JSON.stringify(results.events.filter((e) => e.kind !== 'note' && e.kind !== 'rollout-progress'))}`;
  assert.deepEqual(ofKind(results, 'drain-started').map((e) => e.node), ['node-1'], story);
  assert.equal(ofKind(results, 'node-cordoned').length, 1);
  assert.equal(ofKind(results, 'evicted').length, 2, story);
  assert.equal(ofKind(results, 'eviction-refused').length, 0, story);
  assert.equal(ofKind(results, 'pdb-status').length, 0);
  assert.deepEqual(ofKind(results, 'drain-finished').map((e) => [e.ok, e.evicted]), [[true, 2]]);
  assert.equal(results.meta.facts.pdb, 'none');
  const created = ofKind(results, 'pod-created');
  assert.ok(created.every((e) => e.node === 'node-1' || e.node === 'node-2'), 'every pod-created names its node');
  assert.ok(created.filter((e) => e.atMs > (ofKind(results, 'drain-started')[0]?.atMs ?? 0)).every((e) => e.node === 'node-2'), 'replacements avoid the cordoned node');
  const finding = analyze(results, {}).findings.find((f) => f.id === 'no-pdb');
  assert.ok(finding, story);
  assert.equal(finding.data?.outAtOnce, 2);
  assert.match(finding.fix, /kubectl create poddisruptionbudget demo --selector=app=demo --max-unavailable=1/);
  assert.match(out, /no-pdb/);
  assert.match(out, /node node-1 is left cordoned/);
  const allowed = rbacGrants(...RUN_GRANTS, 'manifests/rbac-drain.yaml');
  for (const r of new Set(s.server.requests)) assert.ok(allowed.has(r), `rbac.yaml + rbac-nodes.yaml + rbac-drain.yaml grant "${r}"`);
  for (const want of ['patch nodes', 'create pods/eviction', 'watch poddisruptionbudgets', 'list nodes']) assert.ok(s.server.requests.includes(want), want);
});

test('rollcheck run --trigger drain=node-1 of the exec demo with preStop and a PDB maxUnavailable 1: a refused eviction retried, 0 failures, exit 0, no no-pdb', { skip: skipUnless('kubectl'), timeout: 150_000 }, async (t) => {
  const { s, dir, kubectl } = await sandbox(t, ['--replicas', '3', '--nodes', '2', '--grace-period', '5s', '--prestop-sleep', '1s']);
  await kubectl('create', 'pdb', 'demo', '--selector=app=demo', '--max-unavailable=1');
  const { code, out, results } = await runRollcheck(s, dir, ['--deployment', 'demo', '--trigger', 'drain=node-1', '--drain-timeout', '90s']);
  judgeExit(code, results, [0], out);
  assert.equal(results.totals.failed, 0, out);
  const refused = ofKind(results, 'eviction-refused');
  assert.ok(refused.length >= 1, out);
  assert.ok(refused.every((e) => e.status === 429 && e.pdb === 'demo'), JSON.stringify(refused));
  const evicted = ofKind(results, 'evicted');
  assert.equal(evicted.length, 2);
  // The second eviction came only after a replacement was ready, and the budget said 0 allowed in between.
  const readyBetween = ofKind(results, 'pod-ready').some((e) => e.atMs > (evicted[0]?.atMs ?? 0) && e.atMs <= (evicted[1]?.atMs ?? 0));
  assert.ok(readyBetween, 'a replacement became ready between the two evictions');
  assert.ok(ofKind(results, 'pdb-status').some((e) => e.name === 'demo' && e.disruptionsAllowed === 0));
  assert.equal(results.meta.facts.pdb, 'demo');
  assert.ok(!analyze(results, {}).findings.some((f) => f.id === 'no-pdb'));
});

test('rollcheck run --workload statefulset/demo of the shell demo: sigterm-ignored, exit 1, each demo-N two incarnations', { timeout: 150_000 }, async (t) => {
  const { s, dir } = await sandbox(t, ['--replicas', '2', '--workload', 'statefulset', '--entrypoint', 'shell', '--grace-period', '2s']);
  const { code, out, results } = await runRollcheck(s, dir, ['--workload', 'statefulset/demo']);
  assert.equal(code, 1, out);
  assert.match(out, /sigterm-ignored/);
  const byName = findIncarnations(results.events);
  for (const name of ['demo-0', 'demo-1']) assert.equal(byName.get(name)?.length, 2, `${name} is two pods`);
  const lanes = buildPodTimelines(withIncarnations(results).events).map((l) => l.pod);
  for (const name of ['demo-0 (2)', 'demo-1 (2)']) assert.ok(lanes.includes(name), `${name} in ${lanes.join(', ')}`);
});

/** watchThenDrain runs `rollcheck run --trigger none` and, once its rollout phase has begun, real `kubectl drain node-1` beside it. */
async function watchThenDrain(s: Sandbox, dir: string, kubectl: (...args: string[]) => Promise<string>): Promise<{ code: number; out: string; results: Results; drained: string }> {
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  const run = runCli(['run', '--kubeconfig', s.kubeconfig, '--url', s.proxyUrl, ...RUN, '-o', 'run.json', '--deployment', 'demo', '--trigger', 'none', '--rollout-timeout', '100s'], io);
  // The progress line names the phase each second: the drain comes after the baseline, as a rollout would.
  for (let i = 0; i < 1200 && !/\d\.\ds\s+rollout\s/.test(io.out() + io.err()); i += 1) await new Promise((r) => setTimeout(r, 50));
  assert.ok(s.server.requests.includes('watch nodes'), 'the run watches the nodes');
  const drained = await kubectl('drain', 'node-1', '--ignore-daemonsets', '--timeout', '90s');
  const code = await run;
  return { code, out: io.out() + io.err(), results: loadResults(join(dir, 'run.json')), drained };
}

test('kubectl drain by someone else during rollcheck run --trigger none, no PDB: the cordon, 2 evictions and an inferred drain are seen → no-pdb, exit 1', { skip: skipUnless('kubectl'), timeout: 180_000 }, async (t) => {
  // No preStop, and the Service's proxy a second behind: the evicted pods stop accepting while still routed, so requests fail.
  const { s, dir, kubectl } = await sandbox(t, ['--replicas', '3', '--nodes', '2', '--grace-period', '2s', '--endpoint-delay', '1s']);
  const { code, out, results, drained } = await watchThenDrain(s, dir, kubectl);
  const story = `${out}\n${drained}\n${JSON.stringify(results.events.filter((e) => e.kind !== 'note' && e.kind !== 'rollout-progress'))}`;
  assert.match(drained, /node\/node-1 cordoned[\s\S]*node\/node-1 drained/);
  judgeExit(code, results, [1], story);
  assert.equal(results.meta.facts.nodes, 'node-1 Ready, node-2 Ready');
  assert.equal(results.meta.facts.pdb, 'none');
  assert.deepEqual(ofKind(results, 'node-cordoned').map((e) => e.node), ['node-1'], story);
  const evicted = ofKind(results, 'evicted');
  assert.equal(evicted.length, 2, story);
  assert.ok(evicted.every((e) => e.node === 'node-1' && e.podUid && e.serverTime), 'each eviction seen on its pod: node, UID and the condition time');
  assert.deepEqual(ofKind(results, 'drain-started').map((e) => [e.node, e.inferred]), [['node-1', true]], story);
  assert.deepEqual(ofKind(results, 'drain-finished').map((e) => [e.node, e.ok, e.evicted, e.inferred]), [['node-1', true, 2, true]], story);
  // The watch ended with the drain's replacements, long before --rollout-timeout.
  assert.ok(results.meta.durationMs < 60_000, `ended after ${results.meta.durationMs} ms`);
  const finding = analyze(results, {}).findings.find((f) => f.id === 'no-pdb');
  assert.ok(finding, story);
  assert.equal(finding.data?.outAtOnce, 2);
  assert.ok(Number(finding.data?.failedWhileOut) > 0, story);
});

test('kubectl drain by someone else with a PDB maxUnavailable 1: kubectl retries the 429, rollcheck sees the evictions one at a time, no no-pdb', { skip: skipUnless('kubectl'), timeout: 180_000 }, async (t) => {
  const { s, dir, kubectl } = await sandbox(t, ['--replicas', '3', '--nodes', '2', '--grace-period', '5s', '--prestop-sleep', '1s']);
  await kubectl('create', 'pdb', 'demo', '--selector=app=demo', '--max-unavailable=1');
  const { out, results, drained } = await watchThenDrain(s, dir, kubectl);
  const story = `${out}\n${drained}\n${JSON.stringify(results.events.filter((e) => e.kind !== 'note' && e.kind !== 'rollout-progress'))}`;
  assert.match(drained, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.match(drained, /node\/node-1 drained/);
  assert.equal(results.meta.facts.pdb, 'demo');
  const evicted = ofKind(results, 'evicted');
  assert.equal(evicted.length, 2, story);
  const readyBetween = ofKind(results, 'pod-ready').some((e) => e.atMs > (evicted[0]?.atMs ?? 0) && e.atMs <= (evicted[1]?.atMs ?? 0));
  assert.ok(readyBetween, `a replacement became ready between the two evictions: ${story}`);
  assert.ok(ofKind(results, 'pdb-status').some((e) => e.name === 'demo' && e.disruptionsAllowed === 0), story);
  assert.deepEqual(ofKind(results, 'drain-finished').map((e) => [e.ok, e.evicted, e.inferred]), [[true, 2, true]], story);
  assert.ok(!analyze(results, {}).findings.some((f) => f.id === 'no-pdb'), story);
});
