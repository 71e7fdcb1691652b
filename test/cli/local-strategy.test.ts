// test-lane: slow: real rollouts behind real haproxy
// Argo Rollouts strategies on the embedded runtime, end to end through the CLI:
// blue-green's scale-down race behind a real ingress and its fix, and a canary
// aborted at a step (the way back is its own segment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { judgeExit } from '../helpers/traffic-command.js';

type T = { after(fn: () => void | Promise<void>): void };

function tempDir(t: T): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-strategy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const BASE = ['local', '--app', 'demo', '--entrypoint', 'exec', '--replicas', '2', '--prestop-sleep', '1s', '--rate', '60', '--warmup', '1s', '--baseline', '1s', '--cooldown', '2s', '--no-dashboard'];

// HAProxy applies endpoint changes through its runtime API (no reload), so only the scale-down race shows.
test('blue-green behind an ingress: scaleDownDelay 0s drops requests on the old pods (stable-scaled-down-early); 4s drops none', { skip: skipUnless('haproxy') }, async (t) => {
  const dir = tempDir(t);
  const runs: Array<{ delay: string; code: number; out: string }> = [];
  for (const delay of ['0s', '4s']) {
    const out = join(dir, `bg-${delay}.json`);
    const io = createTestIo({ cwd: dir });
    const code = await runCli([...BASE, '--strategy', 'blue-green', '--ingress', 'haproxy', '--scale-down-delay', delay, '--out', out], io);
    assert.ok(code === 0 || code === 1, `exit ${code}: ${io.err()}`);
    runs.push({ delay, code, out });
  }
  const [racy, fixed] = runs.map((r) => ({ ...r, results: loadResults(r.out) }));
  assert.ok(racy && fixed);
  const steps = racy.results.events.flatMap((e) => (e.kind === 'rollout-step' ? [e.action] : []));
  assert.deepEqual(steps, ['preview', 'switch', 'scale-down']);
  const early = racy.results.analysis?.findings.find((f) => f.id === 'stable-scaled-down-early');
  assert.ok(early, `findings: ${racy.results.analysis?.findings.map((f) => f.id).join(', ')}`);
  assert.equal(racy.code, 1);
  assert.match(early.fix, /scaleDownDelaySeconds >= \d+/);
  const scaleDown = racy.results.analysis?.rolloutSteps?.find((s) => s.action === 'scale-down');
  assert.equal(scaleDown?.pass, false);
  assert.ok((scaleDown?.causes['stable-scaled-down-early'] ?? 0) > 0);
  // With the delay the old pods leave the ingress before they stop: nothing fails, and every step passes.
  assert.equal(fixed.results.totals.failed, 0, `failures: ${fixed.results.failures.map((f) => f.kind).join(', ')}`);
  assert.equal(fixed.code, 0);
  assert.deepEqual(fixed.results.analysis?.rolloutSteps?.map((s) => s.pass), [true, true, true]);
  const switched = fixed.results.events.find((e) => e.kind === 'rollout-step' && e.action === 'switch');
  const scaled = fixed.results.events.find((e) => e.kind === 'rollout-step' && e.action === 'scale-down');
  assert.ok(switched && scaled && scaled.atMs - switched.atMs >= 4000, 'the old set is scaled down scaleDownDelay after the switch');
});

test('canary aborted at step 2: weights by replica counts, then the way back is its own step, and the stable pods stay', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'canary.json');
  const io = createTestIo({ cwd: dir });
  const code = await runCli([...BASE, '--replicas', '3', '--strategy', 'canary', '--steps', '34%,pause 1s,67%', '--abort-at', '2', '--out', out], io);
  const results = loadResults(out);
  // Either verdict; exit 3 only in place of a pass when the generator fell behind (a CI run's busy cores).
  judgeExit(code, results, [0, 1], io.err());
  const steps = results.events.flatMap((e) => (e.kind === 'rollout-step' ? [[e.index, e.action, e.weight]] : []));
  assert.deepEqual(steps, [[0, 'set-weight', 34], [1, 'pause', 34], [2, 'abort', 0]]);
  const created = results.events.flatMap((e) => (e.kind === 'pod-created' ? [e.revision] : []));
  const [stable] = created;
  const canaryPods = created.filter((r) => r !== stable);
  assert.equal(canaryPods.length, 1, 'setWeight 34% of 3 replicas is one canary pod');
  const abort = results.events.find((e) => e.kind === 'rollout-step' && e.action === 'abort');
  assert.ok(abort?.kind === 'rollout-step' && abort.pods?.length === 1, 'the abort scales the one canary pod down');
  const aborted = abort.pods?.[0] ?? '';
  assert.ok(results.events.some((e) => e.kind === 'exited' && e.pod === aborted), 'the canary pod is gone');
  assert.ok(results.events.some((e) => e.kind === 'note' && /rollout aborted/.test(e.message)));
  assert.deepEqual(results.analysis?.rolloutSteps?.map((s) => s.action), ['set-weight', 'pause', 'abort']);
  assert.match(io.out(), /^steps {6}canary rollout, each step judged on its own$/m);
  // An Argo Rollout, not a Deployment: in the results, the report's facts and the run header.
  assert.deepEqual(results.meta.cluster?.workload, { kind: 'rollout', name: 'demo' });
  assert.equal(results.meta.params.workload, 'rollout');
  assert.equal(results.meta.facts.workload, 'rollout');
  assert.match(String(results.meta.facts.strategy), /^canary, steps setWeight 34%, pause 1s, setWeight 67%, abort at step 2$/);
  assert.match(io.err(), /started 3 pods \(Argo Rollout \(canary\) on 1 node, /);
});
