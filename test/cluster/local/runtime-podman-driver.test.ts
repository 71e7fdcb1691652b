// test-lane: slow: containers (podman)
// test-group: podman: one podman on the machine; two files' containers at once disturbed each other's timing (a preStop-exec check failed at 5 jobs)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalDriver, DEFAULT_LOCAL_SETTINGS } from '../../../src/cluster/local/index.js';
import type { LocalRuntimeSettings } from '../../../src/cluster/local/index.js';
import type { ClusterEvent } from '../../../src/results/events.js';
import { createClock } from '../../../src/results/clock.js';
import { LABEL_OWNER } from '../../../src/cluster/local/runtime-podman.js';
import { createTestImages, listLeftovers, podmanSkipReason } from '../../containers/images.js';
import type { TestImages } from '../../containers/images.js';

// The demo app's shell and exec entrypoints as real containers, driven by the
// embedded runtime's controller: the shell wrapper as PID 1 ignores SIGTERM and
// is SIGKILLed at the end of the grace period (137); with exec the app drains and exits 0.
const skip = podmanSkipReason();
let images: TestImages;
let shellImage = '';
let execImage = '';
const dir = mkdtempSync(join(tmpdir(), 'rollcheck-podman-driver-'));

before(() => {
  if (skip) return;
  images = createTestImages('podmandrv');
  shellImage = images.demo('shell', ['/app/entrypoint-shell.sh']);
  execImage = images.demo('exec', ['/app/entrypoint-exec.sh']);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  if (skip) return;
  images.removeAll();
});

async function rollout(image: string, name: string): Promise<ClusterEvent[]> {
  const events: ClusterEvent[] = [];
  const settings: LocalRuntimeSettings = {
    ...DEFAULT_LOCAL_SETTINGS,
    runtime: 'podman',
    container: { image, port: 8080 },
    replicas: 1,
    maxSurge: { count: 1 },
    maxUnavailable: { count: 0 },
    graceMs: 2500,
    endpointDelayMs: 100,
    readinessPeriodMs: 200,
    logDir: join(dir, name),
  };
  const driver = createLocalDriver(
    settings,
    { clock: createClock(), emit: (e) => events.push(e) },
    { env: images.env },
  );
  try {
    const target = await driver.start();
    const res = await fetch(target.url, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-pod-name') ?? '', /^demo-/);
    await res.text();
    await driver.triggerRollout({ kind: 'restart' });
    const outcome = await driver.waitForRollout(60_000);
    assert.equal(outcome.status, 'complete');
  } finally {
    await driver.stop();
  }
  return events;
}

function firstExit(events: ClusterEvent[]): Extract<ClusterEvent, { kind: 'exited' }> {
  const exit = events.find(
    (e): e is Extract<ClusterEvent, { kind: 'exited' }> => e.kind === 'exited',
  );
  if (!exit) throw new Error('no exited event');
  return exit;
}

test(
  'demo shell entrypoint as a container: SIGTERM ignored, SIGKILL at the grace period, exit 137',
  { skip },
  async () => {
    const events = await rollout(shellImage, 'shell');
    const exit = firstExit(events);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(events.some((e) => e.kind === 'sigkill'));
    assert.ok(
      (exit.afterSigtermMs ?? 0) >= 2000,
      `killed only after the grace period (${exit.afterSigtermMs} ms)`,
    );
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);

test(
  'demo exec entrypoint as a container: the app gets SIGTERM, drains and exits 0 well before the grace period',
  { skip },
  async () => {
    const events = await rollout(execImage, 'exec');
    const exit = firstExit(events);
    assert.equal(exit.exitCode, 0);
    assert.equal(exit.signal, null);
    assert.ok((exit.afterSigtermMs ?? Infinity) < 2500);
    const sigkilled = events.filter(
      (e) => e.kind === 'sigkill' && 'pod' in e && e.pod === exit.pod,
    );
    assert.deepEqual(sigkilled, []);
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);
