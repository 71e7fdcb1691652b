// test-lane: slow: real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../../../src/results/events.js';
import { runTraffic, setupDriver as setup, type EventLog } from './harness.js';
import { skipUnless } from '../../tools.js';

const at = (log: EventLog, kind: ClusterEvent['kind'], pod: string): number => {
  const e = log.of(kind, pod)[0];
  assert.ok(e, `no ${kind} event for ${pod}`);
  return e.atMs;
};

test('exec entrypoint + preStop sleep 2s: a rollout under traffic loses no request, and every step is in order', async (t) => {
  const { driver, log } = setup(t, { replicas: 2, graceMs: 5000, preStop: { kind: 'sleep', ms: 2000 }, app: { kind: 'demo', entrypoint: 'exec' } });
  const target = await driver.start();
  const old = driver.pods().map((p) => p.name);
  const stopTraffic = new AbortController();
  const traffic = runTraffic(target.url, 100, 0.2, stopTraffic.signal, log.clock);
  await new Promise((r) => setTimeout(r, 1000));
  await driver.triggerRollout({ kind: 'restart' });
  const outcome = await driver.waitForRollout(60_000);
  await new Promise((r) => setTimeout(r, 500));
  stopTraffic.abort();
  const outcomes = await traffic;
  assert.equal(outcome.status, 'complete');
  const failed = outcomes.filter((o) => !o.ok);
  assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} requests failed`);
  assert.ok(outcomes.filter((o) => o.fresh).length > 50 && outcomes.filter((o) => !o.fresh).length > 200);
  for (const pod of old) {
    const term = at(log, 'pod-terminating', pod);
    assert.ok(Math.abs(at(log, 'endpoint-not-ready', pod) - term) < 5);
    const removed = at(log, 'endpoint-removed', pod);
    const sigterm = at(log, 'sigterm', pod);
    assert.ok(removed - term >= 990 && removed < sigterm, `${pod}: endpoint removed ${removed - term} ms after terminating, SIGTERM at ${sigterm - term}`);
    assert.ok(sigterm - term >= 1990, `${pod}: SIGTERM only ${sigterm - term} ms after terminating (preStop is 2 s)`);
    assert.ok(at(log, 'prestop-finished', pod) <= sigterm);
    const exited = log.of('exited', pod)[0];
    assert.deepEqual([exited?.exitCode, exited?.signal], [0, null]);
    assert.ok((exited?.afterSigtermMs ?? -1) >= 0);
    assert.equal(log.of('sigkill', pod).length, 0);
  }
});

/** replay walks the events and checks the rollout's bounds at every step. */
function checkBounds(events: ClusterEvent[], from: number, replicas: number, surge: number, unavailable: number): { minReady: number; maxPods: number; minInService: number } {
  const live = new Set<string>();
  const ready = new Set<string>();
  const inService = new Set<string>();
  let minReady = Infinity;
  let maxPods = 0;
  let minInService = Infinity;
  for (const e of events) {
    if (!('pod' in e)) continue;
    if (e.kind === 'pod-created') live.add(e.pod);
    if (e.kind === 'pod-ready') ready.add(e.pod);
    if (e.kind === 'pod-not-ready' || e.kind === 'pod-terminating' || e.kind === 'exited') {
      ready.delete(e.pod);
      live.delete(e.pod);
    }
    if (e.kind === 'endpoint-added') inService.add(e.pod);
    if (e.kind === 'endpoint-removed') inService.delete(e.pod);
    if (e.atMs >= from) {
      minReady = Math.min(minReady, ready.size);
      maxPods = Math.max(maxPods, live.size);
      minInService = Math.min(minInService, inService.size);
    }
  }
  assert.ok(minReady >= replicas - unavailable, `only ${minReady} ready pods at one point`);
  assert.ok(maxPods <= replicas + surge, `${maxPods} pods at one point`);
  assert.ok(minInService >= replicas - unavailable, `only ${minInService} endpoints in the Service at one point`);
  return { minReady, maxPods, minInService };
}

test('the rolling-update controller stays within maxSurge and maxUnavailable', async (t) => {
  const fast = { readinessPeriodMs: 200, endpointDelayMs: 300, graceMs: 3000, app: { kind: 'demo', entrypoint: 'exec' } as const };
  const { driver, log } = setup(t, { ...fast, replicas: 4, maxSurge: { count: 1 }, maxUnavailable: { count: 1 } });
  await driver.start();
  const from = log.clock.nowMs();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(60_000)).status, 'complete');
  const seen = checkBounds(log.events, from, 4, 1, 1);
  // The bounds are used, not merely respected by doing one pod at a time.
  assert.equal(seen.maxPods, 5);
  assert.equal(seen.minReady, 3);
  const names = driver.pods().map((p) => p.name);
  assert.equal(names.length, 4);
  assert.ok(names.every((n) => /^demo-[a-z0-9]{10}-[a-z0-9]{5}$/.test(n)), names.join(' '));
  assert.equal(new Set(driver.pods().map((p) => p.revision)).size, 1);
  const progress = log.of('rollout-progress');
  assert.deepEqual(progress[progress.length - 1], { ...progress[progress.length - 1], replicas: 4, updated: 4, ready: 4, available: 4 });
  assert.equal(log.of('rollout-complete').length, 1);
});

test('maxSurge 0: the controller removes an old pod before it adds a new one', async (t) => {
  const { driver, log } = setup(t, { readinessPeriodMs: 200, endpointDelayMs: 200, replicas: 3, maxSurge: { count: 0 }, maxUnavailable: { count: 1 } });
  await driver.start();
  const from = log.clock.nowMs();
  await driver.triggerRollout({ kind: 'restart' });
  assert.equal((await driver.waitForRollout(60_000)).status, 'complete');
  const seen = checkBounds(log.events, from, 3, 0, 1);
  assert.equal(seen.maxPods, 3);
});

test('a crashed pod is replaced, scale works both ways, and a deleted pod goes through the grace period', async (t) => {
  const { driver, log } = setup(t, { readinessPeriodMs: 200, endpointDelayMs: 200, replicas: 2, app: { kind: 'demo', entrypoint: 'shell' } });
  await driver.start();
  const victim = await driver.killPod({ which: 'oldest', signal: 'SIGKILL' });
  const waitFor = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 300 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 20));
    assert.ok(cond());
  };
  await waitFor(() => driver.pods().filter((p) => p.ready).length === 2 && !driver.pods().some((p) => p.name === victim));
  const crash = log.of('exited', victim)[0];
  assert.deepEqual([crash?.exitCode, crash?.signal, crash?.reason], [137, 'SIGKILL', 'crashed']);
  assert.equal(log.of('pod-terminating', victim).length, 0);

  await driver.scale(3);
  await waitFor(() => driver.pods().filter((p) => p.ready).length === 3);
  await driver.scale(1);
  await waitFor(() => driver.pods().filter((p) => !p.terminating).length === 1);
  assert.equal(log.of('pod-terminating').filter((e) => e.reason === 'scaled down').length, 2);

  // Deleting with a 1 s grace: the shell ignores SIGTERM, so SIGKILL comes 1 s after termination started.
  const deleted = await driver.killPod({ which: 'newest', graceMs: 1000 });
  await waitFor(() => log.of('exited', deleted).length === 1);
  const sincem = at(log, 'sigkill', deleted) - at(log, 'pod-terminating', deleted);
  assert.ok(sincem >= 990 && sincem < 1500, `SIGKILL ${sincem} ms after termination started`);
  assert.equal(log.of('exited', deleted)[0]?.exitCode, 137);
});

test('a preStop hook that outlasts the grace period: SIGTERM when it runs out, SIGKILL 2 s later, as the kubelet does', async (t) => {
  const { driver, log } = setup(t, { replicas: 1, graceMs: 1000, preStop: { kind: 'exec', command: 'sleep 10' }, app: { kind: 'demo', entrypoint: 'shell' } });
  await driver.start();
  const pod = await driver.killPod({ which: 'oldest' });
  for (let i = 0; i < 300 && log.of('exited', pod).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
  const start = at(log, 'pod-terminating', pod);
  const finished = log.of('prestop-finished', pod)[0];
  assert.equal(finished?.ok, false);
  assert.match(finished?.error ?? '', /grace period ran out/);
  const sigterm = at(log, 'sigterm', pod) - start;
  const sigkill = at(log, 'sigkill', pod) - start;
  assert.ok(sigterm >= 990 && sigterm < 1500, `SIGTERM at ${sigterm}`);
  assert.ok(sigkill - sigterm >= 1990 && sigkill - sigterm < 2500, `SIGKILL ${sigkill - sigterm} ms after SIGTERM`);
});

test('stop() in the middle of a slow termination hurries it: nothing is left and it takes about 2 s, not the grace period', async (t) => {
  const { driver, log } = setup(t, { replicas: 2, graceMs: 30_000, preStop: { kind: 'sleep', ms: 20_000 }, app: { kind: 'demo', entrypoint: 'shell' } });
  await driver.start();
  await driver.triggerRollout({ kind: 'restart' });
  for (let i = 0; i < 300 && log.of('prestop-started').length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await driver.stop();
  const tookMs = performance.now() - t0;
  assert.ok(tookMs < 5000, `stop took ${tookMs} ms`);
  assert.equal(log.of('exited').length, log.of('pod-started').length);
});

test('a pod that fails readiness leaves the Service after the endpoint delay, and comes back when it passes again', { skip: skipUnless('busybox') }, async (t) => {
  const { mkdtempSync, rmSync, writeFileSync, unlinkSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ready-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ready'), 'ok');
  // busybox httpd serves the folder: /ready answers 200 while the file exists, 404 once it is gone.
  const { driver, log } = setup(t, {
    replicas: 1,
    readinessPath: '/ready',
    readinessPeriodMs: 100,
    endpointDelayMs: 300,
    app: { kind: 'cmd', command: `exec busybox httpd -f -p $HOST:$PORT -h ${dir}` },
  });
  await driver.start();
  const [pod] = driver.pods().map((p) => p.name);
  assert.ok(pod);
  unlinkSync(join(dir, 'ready'));
  for (let i = 0; i < 150 && log.of('endpoint-removed', pod).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
  const notReady = log.of('pod-not-ready', pod)[0];
  assert.equal(notReady?.reason, 'HTTP 404');
  assert.deepEqual(log.of('endpoint-not-ready', pod).map((e) => e.terminating), [false]);
  const delayMs = at(log, 'endpoint-removed', pod) - at(log, 'endpoint-not-ready', pod);
  assert.ok(delayMs >= 290 && delayMs < 1000, `removed ${delayMs} ms after not-ready`);
  writeFileSync(join(dir, 'ready'), 'ok');
  for (let i = 0; i < 150 && log.of('endpoint-added', pod).length < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
  assert.equal(log.of('pod-ready', pod).length, 2);
  assert.equal(log.of('endpoint-added', pod).length, 2);
});

test('a driver made without a log dir keeps its pod logs in a temp dir of its own and removes it at stop()', async () => {
  const { createLocalDriver } = await import('../../../src/cluster/local/local-driver.js');
  const { DEFAULT_LOCAL_SETTINGS } = await import('../../../src/cluster/local/settings.js');
  const { createEventLog } = await import('./harness.js');
  const { existsSync, readdirSync } = await import('node:fs');
  const driver = createLocalDriver({ ...DEFAULT_LOCAL_SETTINGS, replicas: 1, app: { kind: 'demo', entrypoint: 'exec' } }, createEventLog());
  try {
    await driver.start();
    assert.ok(existsSync(driver.logDir) && readdirSync(driver.logDir).some((f) => f.endsWith('.log')), 'pod logs while it runs');
  } finally {
    await driver.stop();
  }
  assert.equal(existsSync(driver.logDir), false, `${driver.logDir} is left behind`);
});
