// test-lane: slow: real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDir } from '../../../src/cluster/local/create-pod-runtime.js';
import { isUsageError } from '../../../src/errors.js';
import { setupDriver as setup } from './harness.js';

// The embedded runtime's failure paths: start-up errors and rollouts that fail or time out.

test('an app that exits at once is a one-line usage error naming the pod, its exit code and its log', async (t) => {
  const { driver } = setup(t, { replicas: 2, app: { kind: 'cmd', command: 'echo "listen failed: no config"; exit 3' } });
  await assert.rejects(driver.start(), (e: unknown) => {
    assert.ok(isUsageError(e));
    assert.match(e.message, /^pod app-\w+-\w+ exited with code 3 before it became ready; see its log: \/.*\.log \(last log line: "listen failed: no config"\)/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
});

test('readiness that never passes is a usage error naming the pod, the last probe error and its log', async (t) => {
  const { driver } = setup(t, { replicas: 1, startTimeoutMs: 1500, readinessPeriodMs: 200, app: { kind: 'cmd', command: 'exec sleep 30' } });
  await assert.rejects(driver.start(), (e: unknown) => {
    assert.ok(isUsageError(e));
    assert.match(e.message, /^pod app-\w+-\w+ never became ready within 1.5s: GET \/healthz on 127\.0\.\d+\.\d+ failed \(ECONNREFUSED\); log: \/\S+\.log; check --readiness \(or --readiness-path\)/);
    return true;
  });
});

test('a new revision whose pods crash at start fails the rollout after 3 tries; the old pods keep serving', async (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), 'rollcheck-marker-')), 'broken');
  t.after(() => rmSync(join(marker, '..'), { recursive: true, force: true }));
  const app = join(demoDir(), 'app.mjs');
  const { driver, log } = setup(t, {
    replicas: 2,
    readinessPeriodMs: 200,
    endpointDelayMs: 200,
    app: { kind: 'cmd', command: `if [ -e ${marker} ]; then echo "config broken"; exit 1; fi; exec node ${app}` },
  });
  await driver.start();
  writeFileSync(marker, '');
  await driver.triggerRollout({ kind: 'restart' });
  const outcome = await driver.waitForRollout(30_000);
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.status === 'failed' ? outcome.reason : '', /^pod app-\w+-\w+ exited with code 1 before it became ready; see its log: \S+\.log \(3 pods of revision \w+ did so\)/);
  assert.equal(log.of('rollout-failed').length, 1);
  const serving = driver.pods().filter((p) => p.ready);
  assert.equal(serving.length, 2);
  assert.ok(serving.every((p) => p.revision !== log.of('rollout-started')[0]?.revision));
});

test('a new revision that never becomes ready times the rollout out, within maxUnavailable', async (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), 'rollcheck-marker-')), 'stuck');
  t.after(() => rmSync(join(marker, '..'), { recursive: true, force: true }));
  const app = join(demoDir(), 'app.mjs');
  const { driver, log } = setup(t, {
    replicas: 2,
    readinessPeriodMs: 200,
    endpointDelayMs: 200,
    app: { kind: 'cmd', command: `if [ -e ${marker} ]; then exec sleep 30; fi; exec node ${app}` },
  });
  await driver.start();
  writeFileSync(marker, '');
  await driver.triggerRollout({ kind: 'restart' });
  const outcome = await driver.waitForRollout(1500);
  assert.equal(outcome.status, 'timeout');
  assert.match(log.of('rollout-failed')[0]?.reason ?? '', /did not complete within 1.5s/);
  assert.equal(driver.pods().filter((p) => p.ready).length, 2);
});
