// test-lane: serial: heavy load (300 req/s from three runner processes beside a kube sandbox), its "sent on schedule" and accounting checks need the cores
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { startLocalBackedCluster } from '../kube-api-server/local-backing.js';
import { createJobRunner, type JobRunner } from '../kube-api-server/jobs.js';
import { parseAllDocuments } from 'yaml';
import { loadResults } from '../../src/results/io.js';
import { execFile } from 'node:child_process';
import { cliArgv, cliKind } from '../helpers/built-cli.js';

const ROOT = join(import.meta.dirname, '../..');

/** rbacVerbs reads a manifest's Role rules as "verb resource" pairs. */
function rbacVerbs(file: string): Set<string> {
  const out = new Set<string>();
  for (const doc of parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))) {
    const o = doc.toJS() as { kind?: string; rules?: Array<{ resources: string[]; verbs: string[] }> };
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
    for (const r of o.rules ?? []) for (const res of r.resources) for (const v of r.verbs) out.add(`${v} ${res}`);
  }
  return out;
}

const RATE = 300;

/**
 * runnerStartDelayS is the pods' --runner-start-delay, sized to this machine now: three
 * `rollcheck runner` processes (the same modules a pod loads) started at once, timed, ×3,
 * plus 2 s for the sandbox to schedule them; 4 to 12 s (the fixed value it replaces, which
 * held on a loaded machine); timed once per file. A fixed 12 s waited on a quiet machine
 * for a start that takes ~1 s; a pod late all the same fails the test loudly (share lost).
 */
async function runnerStartDelayS(): Promise<number> {
  const startedMs = Date.now();
  const once = () => new Promise<void>((done) => {
    const [cmd, argv] = cliArgv(['runner', '--spec', '{}']);
    execFile(cmd, argv, () => done());
  });
  await Promise.all([once(), once(), once()]);
  const probeS = (Date.now() - startedMs) / 1000;
  return Math.min(12, Math.max(4, Math.ceil(2 + 3 * probeS)));
}
let startDelay: Promise<number> | undefined;

/** A sandbox with the demo Deployment whose Jobs run the real `rollcheck runner` as pod processes. */
async function sandbox(t: { after(fn: () => unknown): void; diagnostic(message: string): void }, settings: Partial<LocalRuntimeSettings>, jobOptions: { unschedulable?: boolean } = {}) {
  // The Job part needs the server's store, which exists once the server does.
  const late: { jobs?: JobRunner } = {};
  const cluster = await startLocalBackedCluster(settings, { route: (req, res, url) => (late.jobs ? late.jobs.route(req, res, url) : Promise.resolve(false)) });
  const jobs = createJobRunner({ store: cluster.server.store, command: cliArgv, graceMs: 5000, ...jobOptions });
  late.jobs = jobs;
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-run-runners-'));
  t.after(async () => {
    await jobs.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const io = createTestIo({ cwd: dir, env: { HOME: dir } });
  const out = join(dir, 'run.json');
  const startDelayS = await (startDelay ??= runnerStartDelayS());
  t.diagnostic(`--runner-start-delay ${startDelayS}s; runner pods run the CLI from ${cliKind()}`);
  const args = (...extra: string[]) => [
    'run', '--kubeconfig', cluster.server.writeKubeconfig(dir), '--deployment', 'demo', '--url', cluster.proxyUrl,
    '--runners', '3', '--rate', String(RATE), '--runner-start-delay', `${startDelayS}s`, '--warmup', '2s', '--baseline', '1s', '--cooldown', '1s',
    '--rollout-timeout', '60s', '--no-dashboard', '--out', out, ...extra,
  ];
  const leftovers = () => ({
    jobs: cluster.server.store.list('jobs').length,
    secrets: cluster.server.store.list('secrets').length,
    pods: cluster.server.store.list('pods').filter((p) => p.metadata.labels?.['rollcheck.dev/run']).length,
    processes: jobs.livePods(),
  });
  const read = (): Results => loadResults(out);
  return { cluster, jobs, io, out, args, leftovers, read };
}

function runnerPods(s: Awaited<ReturnType<typeof sandbox>>): string[] {
  return s.cluster.server.store.list('pods').filter((p) => p.metadata.labels?.['rollcheck.dev/run']).map((p) => p.metadata.name);
}

test('run --runners 3 on the shell demo: 3 runner pods merged, sent on schedule, sigterm-ignored, exit 1, no Job, Secret or pod left', async (t) => {
  const s = await sandbox(t, { app: { kind: 'demo', entrypoint: 'shell' }, graceMs: 2000 });
  const credential = 'Bearer rollcheck-test-credential';
  const code = await runCli(s.args('-H', `Authorization: ${credential}`), s.io);
  const r = s.read();
  assert.equal(code, 1, s.io.err());
  const runners = r.meta.runners ?? [];
  assert.equal(runners.length, 3);
  assert.deepEqual(runners.map((x) => x.status), ['finished', 'finished', 'finished'], JSON.stringify(runners));
  const spanS = ((r.meta.recordedToMs ?? 0) - (r.meta.recordedFromMs ?? 0)) / 1000;
  const expected = RATE * spanS;
  assert.ok(Math.abs(r.totals.sent - expected) <= expected * 0.01, `sent ${r.totals.sent} vs ${expected.toFixed(1)} (${RATE}/s × ${spanS} s)`);
  assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
  for (const x of runners) {
    assert.equal(x.sent, x.ok + x.failed + x.inFlightAtStop);
    assert.match(x.name, /^rollcheck-runners-/);
    assert.ok(Number.isFinite(x.clock.offsetMs) && x.clock.uncertaintyMs >= 0);
  }
  assert.ok(r.analysis?.findings.some((f) => f.id === 'sigterm-ignored'), JSON.stringify(r.analysis?.findings.map((f) => f.id)));
  assert.ok(r.failures.length > 0 && r.failures.every((f) => f.runner !== undefined));
  assert.deepEqual(s.leftovers(), { jobs: 0, secrets: 0, pods: 0, processes: 0 });
  assert.ok(s.jobs.propagation.length > 0 && s.jobs.propagation.every((p) => p === 'Foreground'), s.jobs.propagation.join());
  assert.ok(s.jobs.requests.includes('create jobs') && s.jobs.requests.includes('delete jobs') && s.jobs.requests.includes('get pods/log'));
  // The spec (with the header's value) went in a Secret owned by the Job, never in the Job that anyone reading Jobs sees.
  const [secret, job] = s.jobs.created;
  assert.equal(secret?.kind, 'Secret');
  assert.equal(job?.kind, 'Job');
  assert.ok(!JSON.stringify(job).includes('rollcheck-test-credential'), 'the Job does not carry the header value');
  const spec = Buffer.from(String((secret?.data as Record<string, string>).spec), 'base64').toString('utf8');
  assert.ok(spec.includes(credential), 'the runners got it from the Secret');
  assert.ok(s.jobs.requests.includes('patch secrets'), 'the Secret was given the Job as its owner');
  // Every call the runner path made is in manifests/rbac-runners.yaml; every call of the run in rbac.yaml + rbac-nodes.yaml + rbac-runners.yaml.
  const runnersRole = rbacVerbs('manifests/rbac-runners.yaml');
  const both = new Set([...runnersRole, ...rbacVerbs('manifests/rbac.yaml'), ...rbacVerbs('manifests/rbac-nodes.yaml')]);
  for (const call of [...new Set([...s.jobs.requests, 'watch pods'])]) assert.ok(runnersRole.has(call), `rbac-runners.yaml allows ${call}`);
  for (const call of new Set(s.cluster.server.requests)) assert.ok(both.has(call), `rbac.yaml + rbac-runners.yaml allow ${call}`);
});

test('run --runners 3: a runner pod killed mid-run loses its share from then on, the run completes, nothing else is lost', async (t) => {
  const s = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 5000, preStop: { kind: 'sleep', ms: 600 } });
  const running = runCli(s.args(), s.io);
  // Once traffic is recorded (the rollout patch comes after the baseline), kill runner 1's process.
  for (let i = 0; i < 600 && s.cluster.server.patches.length === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
  const victim = runnerPods(s).find((n) => s.cluster.server.store.get('pods', n)?.metadata.labels?.['batch.kubernetes.io/job-completion-index'] === '1');
  assert.ok(victim && s.jobs.killPod(victim), 'runner 1 killed');
  const code = await running;
  const r = s.read();
  const runners = r.meta.runners ?? [];
  assert.deepEqual(runners.map((x) => x.status), ['finished', 'lost', 'finished'], s.io.err());
  const lost = runners[1]!;
  assert.ok((lost.lostFromMs ?? 0) > (r.meta.recordedFromMs ?? 0), `lost from ${lost.lostFromMs}`);
  assert.match(lost.lostReason ?? '', /137|deleted|died/);
  assert.ok(r.events.some((e) => e.kind === 'runner-lost' && e.runner === 1));
  assert.equal(r.totals.failed, 0, JSON.stringify(r.totals.byKind));
  assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
  assert.equal(code, 1, 'a lost share fails the verdict');
  assert.ok(r.analysis?.verdict.reasons.some((x) => x.startsWith('runner 1 ')));
  assert.deepEqual(s.leftovers(), { jobs: 0, secrets: 0, pods: 0, processes: 0 });
});

test('run --runners 3: an unschedulable runner is a one-line error before the rollout, and the Job is deleted', async (t) => {
  const s = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 2000 }, { unschedulable: true });
  const code = await runCli(s.args(), s.io);
  assert.equal(code, 2);
  assert.match(s.io.err(), /^rollcheck: runner pod rollcheck-runners-\S+ cannot be scheduled \(0\/3 nodes are available: 3 Insufficient cpu\.\); lower --runners/m);
  assert.equal(s.io.err().trim().split('\n').filter((l) => l.startsWith('rollcheck:')).length, 1);
  assert.equal(s.cluster.server.patches.length, 0, 'no rollout');
  assert.deepEqual(s.leftovers(), { jobs: 0, secrets: 0, pods: 0, processes: 0 });
  assert.equal(existsSync(s.out), false);
});

test('run --runners 3: Ctrl-C deletes the Job and its pods, exit 130', async (t) => {
  const s = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 2000 });
  const running = runCli(s.args('--baseline', '30s'), s.io);
  for (let i = 0; i < 800 && !s.cluster.server.store.list('pods').some((p) => p.metadata.labels?.['rollcheck.dev/run'] && (p.status as { phase?: string }).phase === 'Running'); i += 1) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 6000));
  s.io.abort();
  assert.equal(await running, 130);
  assert.equal(s.read().meta.runners?.length, 3);
  assert.deepEqual(s.leftovers(), { jobs: 0, secrets: 0, pods: 0, processes: 0 });
});

test('run --runners 3: a run that fails mid-way (the rollout trigger is forbidden) still deletes the Job and its pods', async (t) => {
  const s = await sandbox(t, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 2000 });
  s.cluster.server.forbid('patch', 'deployments');
  const code = await runCli(s.args(), s.io);
  assert.equal(code, 2, s.io.err());
  assert.match(s.io.err(), /patch deployments/);
  assert.ok(s.jobs.requests.includes('create jobs'), 'the runners had started');
  assert.deepEqual(s.jobs.propagation.slice(0, 1), ['Foreground']);
  assert.deepEqual(s.leftovers(), { jobs: 0, secrets: 0, pods: 0, processes: 0 });
});
