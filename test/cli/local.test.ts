// test-lane: slow: real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { processesWithEnv } from '../cluster/local/harness.js';
import { loadResults } from '../../src/results/io.js';

type T = { after(fn: () => void | Promise<void>): void };

function tempDir(t: T): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-local-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** assertNothingLeft checks that no process of any pod of the run is alive: by name (POD_NAME) and by PID 1. */
async function assertNothingLeft(events: ClusterEvent[]): Promise<void> {
  const pods = events.flatMap((e) => (e.kind === 'pod-created' ? [e.pod] : []));
  const pid1s = events.flatMap((e) => (e.kind === 'pod-started' && e.pid ? [e.pid] : []));
  assert.ok(pods.length > 0);
  for (const pod of pods) assert.deepEqual(processesWithEnv('POD_NAME', pod), [], `processes of ${pod} left`);
  for (const pid of pid1s) assert.equal(existsSync(`/proc/${pid}/stat`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), false, `PID 1 ${pid} still alive`);
}

const ofKind = <K extends ClusterEvent['kind']>(events: ClusterEvent[], kind: K, pod: string): Extract<ClusterEvent, { kind: K }> | undefined =>
  events.find((e) => e.kind === kind && 'pod' in e && e.pod === pod) as Extract<ClusterEvent, { kind: K }> | undefined;

test('rollcheck local, shell entrypoint, grace 3s: each old pod is SIGKILLed ~3 s after SIGTERM (exit 137) and the failures are its', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const code = await runCli(
    ['local', '--app', 'demo', '--entrypoint', 'shell', '--replicas', '2', '--rate', '100', '--grace-period', '3s', '--warmup', '1s', '--cooldown', '1s', '--out', out, '--no-dashboard'],
    io,
  );
  assert.ok(code === 0 || code === 1, `exit ${code}: ${io.err()}`);
  const results = loadResults(out);
  const events = results.events;
  await assertNothingLeft(events);
  const firstRevision = events.find((e) => e.kind === 'pod-created' && 'revision' in e)?.revision;
  const oldPods = events.flatMap((e) => (e.kind === 'pod-created' && e.revision === firstRevision ? [e.pod] : []));
  assert.equal(oldPods.length, 2);
  for (const pod of oldPods) {
    const sigterm = ofKind(events, 'sigterm', pod);
    const sigkill = ofKind(events, 'sigkill', pod);
    const exited = ofKind(events, 'exited', pod);
    assert.ok(sigterm && sigkill && exited, `${pod}: sigterm, sigkill and exited expected`);
    const killAfterMs = sigkill.atMs - sigterm.atMs;
    assert.ok(killAfterMs > 2900 && killAfterMs < 3600, `${pod}: SIGKILL ${killAfterMs} ms after SIGTERM`);
    assert.deepEqual([exited.exitCode, exited.signal], [137, 'SIGKILL']);
    assert.ok(exited.afterSigtermMs !== null && exited.afterSigtermMs >= killAfterMs);
  }
  assert.ok(results.failures.length >= 1, 'a SIGKILLed app with requests in flight must fail some');
  const named = results.failures.filter((f) => f.pod);
  assert.ok(named.length >= 1, 'failures must be attributed to a pod through x-pod-name on their connection');
  for (const f of named) assert.ok(oldPods.includes(f.pod as string), `failure attributed to ${f.pod}, not an old pod`);
  assert.match(io.err(), /started 2 pods \(demo app, shell entrypoint, Service on 127\.0\.0\.1:\d+\); pod logs in .*run\.pods/);
  assert.ok(existsSync(join(dir, 'run.pods', `${oldPods[0]}.log`)));
});

test('rollcheck local, exec entrypoint + --prestop-sleep 2s: zero failed requests', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const code = await runCli(
    ['local', '--app', 'demo', '--entrypoint', 'exec', '--prestop-sleep', '2s', '--replicas', '2', '--rate', '100', '--grace-period', '10s', '--warmup', '1s', '--cooldown', '1s', '--out', out, '--no-dashboard'],
    io,
  );
  const results = loadResults(out);
  await assertNothingLeft(results.events);
  assert.deepEqual(results.failures.map((f) => `${f.kind} ${f.pod ?? ''} at ${Math.round(f.startAtMs)}`), []);
  assert.equal(code, 0, io.err());
  assert.ok(results.events.some((e) => e.kind === 'rollout-complete'));
  assert.equal(results.events.filter((e) => e.kind === 'sigkill').length, 0);
});

test('rollcheck local: Ctrl-C during the rollout stops traffic, terminates the pods and writes the results (exit 130)', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const run = runCli(
    ['local', '--app', 'demo', '--entrypoint', 'exec', '--prestop-sleep', '30s', '--replicas', '1', '--rate', '20', '--warmup', '500ms', '--baseline', '500ms', '--out', out, '--no-dashboard'],
    io,
  );
  // Interrupt once the old pod is in its (30 s) preStop.
  for (let i = 0; i < 400 && !io.err().includes('rollout'); i += 1) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = performance.now();
  io.abort();
  assert.equal(await run, 130);
  assert.ok(performance.now() - t0 < 8000, 'Ctrl-C must not wait for the grace period');
  const results = loadResults(out);
  assert.equal(results.meta.interrupted, true);
  await assertNothingLeft(results.events);
});

test('rollcheck local: bad input is one line and exit 2, with nothing left running', async (t) => {
  const dir = tempDir(t);
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  t.after(() => void taken.close());
  const port = (taken.address() as { port: number }).port;
  const cases: Array<[string[], RegExp]> = [
    [['--grace-period', 'soon'], /^rollcheck: --grace-period: cannot read "soon" as a duration/],
    [['--max-surge', '0', '--max-unavailable', '0'], /both 0, which Kubernetes refuses/],
    [['--prestop-sleep', '1s', '--prestop-cmd', 'sleep 1'], /give only one of them/],
    [['--env', 'PORT=1'], /--env: PORT is set by the runtime/],
    [['--replicas', '0'], /--replicas: "0" must be a whole number greater than 0/],
    [['--service-port', String(port)], new RegExp(`--service-port ${port}: port ${port} on 127.0.0.1 is already in use`)],
    [['--cmd', 'echo boom; exit 4'], /pod app-\w+-\w+ exited with code 4 before it became ready; see its log: .*\.log \(last log line: "boom"\)/],
  ];
  for (const [args, want] of cases) {
    const io = createTestIo({ cwd: dir });
    const code = await runCli(['local', '--replicas', '1', '--out', join(dir, 'bad.json'), '--no-dashboard', ...args], io);
    assert.equal(code, 2, `${args.join(' ')}: ${io.err()}`);
    assert.match(io.err(), want);
    assert.equal(io.err().trim().split('\n').length, 1, io.err());
  }
  assert.deepEqual(processesWithEnv('HOST', '127.0.0.1'), []);
});

test('local runtime flags: defaults mirror Kubernetes, and every flag lands in the settings', async () => {
  const { Command } = await import('commander');
  const { addLocalRuntimeOptions, readLocalRuntimeSettings } = await import('../../src/cli/local-flags.js');
  const read = (args: string[]): ReturnType<typeof readLocalRuntimeSettings> => {
    const cmd = addLocalRuntimeOptions(new Command('x').exitOverride());
    cmd.parse(args, { from: 'user' });
    return readLocalRuntimeSettings(cmd.opts(), '/tmp/logs');
  };
  const d = read([]);
  assert.deepEqual(
    [d.runtime, d.app, d.replicas, d.maxSurge, d.maxUnavailable, d.minReadyMs, d.graceMs, d.preStop, d.endpointDelayMs, d.readinessPath, d.readinessPeriodMs, d.servicePort, d.logDir],
    ['process', { kind: 'demo', entrypoint: 'exec' }, 3, { percent: 25 }, { percent: 25 }, 0, 30_000, { kind: 'none' }, 1000, '/healthz', 1000, 0, '/tmp/logs'],
  );
  const s = read(['--cmd', 'exec ./server', '--replicas', '5', '--max-surge', '2', '--max-unavailable', '40%', '--min-ready', '2s', '--grace-period', '45s', '--prestop-cmd', 'sleep 3', '--endpoint-delay', '250ms', '--readiness-path', '/ready', '--readiness-period', '500ms', '--service-port', '18080', '--env', 'A=1', '--env', 'B=x=y']);
  assert.deepEqual(s.app, { kind: 'cmd', command: 'exec ./server' });
  assert.deepEqual([s.replicas, s.maxSurge, s.maxUnavailable, s.minReadyMs, s.graceMs], [5, { count: 2 }, { percent: 40 }, 2000, 45_000]);
  assert.deepEqual(s.preStop, { kind: 'exec', command: 'sleep 3' });
  assert.deepEqual([s.endpointDelayMs, s.readinessPath, s.readinessPeriodMs, s.servicePort], [250, '/ready', 500, 18080]);
  assert.deepEqual(s.env, { A: '1', B: 'x=y' });
  assert.deepEqual(read(['--prestop-sleep', '5s', '--entrypoint', 'shell']).preStop, { kind: 'sleep', ms: 5000 });
  assert.throws(() => read(['--image', 'web:1']), /--image\/--image-new need a container runtime/);
});

test('rollcheck local: Ctrl-C while the pods are starting exits 130 and leaves nothing running', async (t) => {
  const { readdirSync } = await import('node:fs');
  const dir = tempDir(t);
  const io = createTestIo({ cwd: dir });
  const run = runCli(['local', '--cmd', 'exec sleep 30', '--replicas', '2', '--out', join(dir, 'run.json'), '--no-dashboard'], io);
  for (let i = 0; i < 200 && !existsSync(join(dir, 'run.pods')); i += 1) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 500));
  io.abort();
  assert.equal(await run, 130);
  assert.match(io.err(), /interrupted while the pods were starting/);
  const pods = readdirSync(join(dir, 'run.pods')).map((f) => f.replace(/\.log$/, ''));
  assert.equal(pods.length, 2);
  for (const pod of pods) assert.deepEqual(processesWithEnv('POD_NAME', pod), [], `processes of ${pod} left`);
});
