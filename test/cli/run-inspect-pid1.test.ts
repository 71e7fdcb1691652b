// test-lane: heavy: real rollouts in the kube sandbox; beside another such run a pod's PID 1 facts went missing on 2 busy cores
// `rollcheck run --inspect-pid1` end to end: the real CLI against the kube
// sandbox, whose pods are real processes in their own PID namespaces and whose
// pods/exec runs the reader inside them. What the findings say about PID 1 must
// come from the exec, and say what it cannot know when there was none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';
import type { Finding } from '../../src/results/types.js';
import type { Pid1Facts } from '../../src/results/events.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';
import { skipUnless } from '../tools.js';
import { startLocalBackedCluster } from '../kube-api-server/local-backing.js';
import type { LocalBackedCluster } from '../kube-api-server/local-backing.js';

// The shell demo answering in 200 ms: requests are always open on each old pod when it is SIGKILLed, so the finding
// names every old pod (at 80/s and instant answers a pod sometimes had none open, and no evidence line of its own).
const SHELL: Partial<LocalRuntimeSettings> = { app: { kind: 'demo', entrypoint: 'shell' }, env: { DEMO_LATENCY_MS: '200' } };

const PYTHON: Partial<LocalRuntimeSettings> = {
  app: { kind: 'cmd', command: 'exec python3 -m http.server --bind "$HOST" "$PORT"' },
  readinessPath: '/',
};

async function run(t: { after(fn: () => unknown): void }, settings: Partial<LocalRuntimeSettings>, flags: string[], before?: (c: LocalBackedCluster) => void) {
  const cluster = await startLocalBackedCluster({ graceMs: 2000, ...settings });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-run-pid1-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  before?.(cluster);
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir, env: { HOME: dir } });
  const args = ['run', '--kubeconfig', cluster.server.writeKubeconfig(dir), '--deployment', 'demo', '--url', cluster.proxyUrl, '--rate', '80', '--warmup', '500ms', '--baseline', '1s', '--cooldown', '1s', '--rollout-timeout', '60s', '--no-dashboard', '--out', out, ...flags];
  const code = await runCli(args, io);
  const results = loadResults(out);
  const oldPods = cluster.localEvents.filter((e) => e.kind === 'pod-terminating').map((e) => (e as { pod: string }).pod);
  const finding = (id: string): Finding | undefined => results.analysis?.findings.find((f) => f.id === id);
  const pid1 = (pod: string): Pid1Facts | undefined => (results.events.find((e) => e.kind === 'pid1' && e.pod === pod) as { pid1: Pid1Facts } | undefined)?.pid1;
  return { code, io, results, cluster, oldPods, finding, pid1 };
}

test('--inspect-pid1 on the shell demo: the finding names the shell and its node child, read through pods/exec in every pod', async (t) => {
  const { code, io, results, cluster, oldPods, finding, pid1 } = await run(t, SHELL, ['--inspect-pid1']);
  assert.equal(code, 1, io.err());
  assert.equal(results.meta.params.inspectPid1, true);
  const f = finding('sigterm-ignored');
  assert.ok(f, JSON.stringify(results.analysis?.findings.map((x) => x.id)));
  assert.deepEqual([...f.pods].sort(), [...oldPods].sort());
  assert.equal(f.data?.mechanism, 'shell');
  for (const pod of oldPods) {
    assert.ok(f.evidence.some((e) => e.startsWith(`${pod}: PID 1 is the shell \`/bin/sh `) && e.includes('running `node` as a child: the shell does not forward SIGTERM')), f.evidence.join('\n'));
    // The facts came from inside the pod (PID 1 of its namespace), and match what the host's /proc showed.
    const facts = pid1(pod);
    const truth = (cluster.localEvents.find((e) => e.kind === 'pid1' && e.pod === pod) as { pid1: Pid1Facts }).pid1;
    assert.equal(facts?.pid, 1);
    assert.deepEqual(facts?.argv, truth.argv);
    assert.deepEqual(facts?.children.map((c) => c.argv), truth.children.map((c) => c.argv));
  }
  assert.ok(!f.evidence.some((e) => /not inspected|--inspect-pid1/.test(e)), f.evidence.join('\n'));
  assert.equal(results.analysis?.warnings?.some((w) => w.includes('--inspect-pid1')) ?? false, false);
});

test('--inspect-pid1 with python3 exec\'d as PID 1: the facts name python3 without a SIGTERM handler', { skip: skipUnless('python3') }, async (t) => {
  const { results, oldPods, finding, pid1 } = await run(t, PYTHON, ['--inspect-pid1']);
  const f = finding('sigterm-ignored');
  assert.ok(f, JSON.stringify(results.analysis?.findings.map((x) => [x.id, x.evidence])));
  assert.equal(f.data?.mechanism, 'no-handler');
  for (const pod of oldPods) {
    assert.equal(pid1(pod)?.role, 'app');
    assert.match(pid1(pod)?.argv.join(' ') ?? '', /^python3 -m http\.server/);
    const all = results.analysis?.findings.map((x) => `${x.id} [${x.pods.join(' ')}]: ${x.evidence.join(' | ')}`).join('\n');
    assert.ok(f.evidence.some((e) => e.startsWith(`${pod}: PID 1 is \`python3\``) && e.includes('installs no SIGTERM handler')), `${pod} of ${oldPods.join(' ')}:\n${all}`);
  }
});

test('without --inspect-pid1: no exec, and the finding says PID 1 was not inspected and how to learn it', { skip: skipUnless('python3') }, async (t) => {
  const { results, cluster, oldPods } = await run(t, PYTHON, []);
  assert.ok(!cluster.server.requests.some((r) => r.endsWith('pods/exec')));
  assert.ok(!results.events.some((e) => e.kind === 'pid1' || e.kind === 'pid1-unknown'));
  // No pod header and no facts: nothing says whether it reacted, so not accused of ignoring SIGTERM, and told how to know.
  const f = results.analysis?.findings.find((x) => x.id === 'grace-too-short' || x.id === 'sigterm-ignored');
  assert.ok(f, JSON.stringify(results.analysis?.findings.map((x) => x.id)));
  assert.deepEqual([...f.pods].sort(), [...oldPods].sort());
  for (const pod of oldPods) {
    assert.ok(f.evidence.some((e) => e.startsWith(`${pod}:`) && /[Rr]erun with --inspect-pid1 \(grant manifests\/rbac-inspect\.yaml\)/.test(e)), f.evidence.join('\n'));
  }
});

test('--inspect-pid1 with pods/exec forbidden: one warning naming the RBAC file, a finding that says it cannot know, no stack trace', async (t) => {
  const { code, io, results, oldPods, finding } = await run(t, SHELL, ['--inspect-pid1'], (c) => c.server.forbid('create', 'pods/exec'));
  assert.equal(code, 1, io.err());
  assert.ok(!/\n\s+at /.test(io.err()), io.err());
  const warnings = results.analysis?.warnings?.filter((w) => w.includes('pods/exec was forbidden')) ?? [];
  assert.equal(warnings.length, 1, JSON.stringify(results.analysis?.warnings));
  assert.match(warnings[0] as string, /grant manifests\/rbac-inspect\.yaml/);
  assert.equal(io.out().match(/warning\s+--inspect-pid1: pods\/exec was forbidden/g)?.length, 1, io.out());
  assert.ok(results.events.filter((e) => e.kind === 'pid1-unknown').every((e) => e.reason === 'forbidden'));
  const f = finding('sigterm-ignored');
  assert.ok(f, JSON.stringify(results.analysis?.findings.map((x) => x.id)));
  assert.equal(f.data?.mechanism, 'unknown');
  for (const pod of oldPods) {
    assert.ok(f.evidence.some((e) => e.startsWith(`${pod}:`) && e.includes('PID 1 could not be inspected: pods/exec was forbidden (403), so why it ignored SIGTERM is not known')), f.evidence.join('\n'));
  }
});
