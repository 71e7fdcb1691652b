// test-lane: heavy: Argo Rollout rollouts on the kube sandbox whose verdicts need the cores
// `rollcheck run --workload rollout/demo` against the kube sandbox serving an
// Argo Rollout (an endpoint delay of 2 s standing in for the ingress's
// propagation). Blue-green: scaleDownDelaySeconds 0 drops requests on the old
// pods (stable-scaled-down-early, exit 1), its scale-down seen on the
// ReplicaSets; a delay past the propagation drops none (exit 0). Every call
// the driver made is granted by manifests/rbac.yaml. Canary: --promote auto
// and manual, --abort-at as its own step; blue-green with autoPromotionEnabled
// false promoted (auto) or left paused (manual); restart as spec.restartAt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeExit } from '../../helpers/traffic-command.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/program.js';
import { loadResults } from '../../../src/results/io.js';
import { createTestIo } from '../../helpers.js';
import { startLocalBackedCluster } from '../../kube-api-server/local-backing.js';
import type { ProgressiveStrategy } from '../../../src/cluster/local/progressive-strategy.js';
import { RUN_GRANTS, rbacGrants } from './rbac-grants.js';

const granted = (): Set<string> => rbacGrants(...RUN_GRANTS);

type After = { after(fn: () => Promise<void>): void };

// sandbox starts the kube sandbox serving `strategy`; its `run` runs `rollcheck run --workload rollout/demo` against it
// (a new image: a revision through the steps, unless `extra` says otherwise).
async function sandbox(t: After, strategy: ProgressiveStrategy, replicas = 2) {
  const cluster = await startLocalBackedCluster({
    app: { kind: 'demo', entrypoint: 'exec' },
    replicas,
    graceMs: 10_000,
    preStop: { kind: 'sleep', ms: 1000 },
    endpointDelayMs: 2000,
    strategy,
  });
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rollout-'));
  t.after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let runs = 0;
  const run = async (extra: string[] = []) => {
    const out = join(dir, `run-${(runs += 1)}.json`);
    const io = createTestIo({ cwd: dir });
    const argv = ['run', '--kubeconfig', cluster.server.writeKubeconfig(dir), '--workload', 'rollout/demo', '--url', cluster.proxyUrl, '--trigger', 'image=app=rollcheck-demo:2'];
    const code = await runCli([...argv, '--rate', '60', '--warmup', '1s', '--baseline', '1s', '--cooldown', '1s', '--no-dashboard', '--out', out, ...extra], io);
    return { code, io, results: code === 2 ? null : loadResults(out), requests: cluster.server.requests, patches: cluster.server.patches, cluster };
  };
  return { cluster, run };
}

// roll runs `rollcheck run --workload rollout/demo` once against a sandbox of its own serving `strategy`.
async function roll(t: After, strategy: ProgressiveStrategy, extra: string[] = [], replicas = 2) {
  return (await sandbox(t, strategy, replicas)).run(extra);
}

const rollBlueGreen = (t: After, scaleDownDelayMs: number) => roll(t, { kind: 'blue-green', scaleDownDelayMs });

test('blue-green Rollout on the sandbox: scaleDownDelaySeconds 0 is stable-scaled-down-early (exit 1), 5 s drops nothing (exit 0)', { timeout: 240_000 }, async (t) => {
  const racy = await rollBlueGreen(t, 0);
  assert.equal(racy.code, 1, racy.io.err());
  assert.match(racy.io.err(), /found rollout demo in default .*blueGreen \(scaleDownDelaySeconds 0\)/);
  assert.ok(racy.results);
  const early = racy.results.analysis?.findings.find((f) => f.id === 'stable-scaled-down-early');
  assert.ok(early && early.failures > 0, `findings: ${racy.results.analysis?.findings.map((f) => `${f.id} ${f.failures}`).join(', ')}`);
  assert.deepEqual(racy.results.analysis?.rolloutSteps?.map((s) => s.action), ['preview', 'switch', 'scale-down']);
  // The old set's scale-down is what the watch of its ReplicaSets saw, not inferred.
  const scaledToZero = racy.results.events.find((e) => e.kind === 'replicaset-scaled' && e.role === 'stable' && e.replicas === 0);
  const scaleDown = racy.results.analysis?.rolloutSteps?.find((s) => s.action === 'scale-down');
  assert.ok(scaledToZero && scaleDown, 'the stable ReplicaSet scaled to 0 is on the timeline');
  assert.match(scaleDown.step, /ReplicaSet scaled to 0/);
  const fixed = await rollBlueGreen(t, 5000);
  assert.ok(fixed.results);
  assert.equal(fixed.results.totals.failed, 0, `failures: ${fixed.results.failures.map((f) => f.kind).join(', ')}`);
  judgeExit(fixed.code, fixed.results, [0], fixed.io.err());
  const allowed = granted();
  for (const r of [...racy.requests, ...fixed.requests]) {
    if (r.startsWith('list ') || r.startsWith('watch ') || r.startsWith('get ') || r.startsWith('patch ')) assert.ok(allowed.has(r), `${r} is not granted by manifests/rbac.yaml`);
  }
  assert.ok(racy.requests.includes('patch rollouts') && racy.requests.includes('watch rollouts'));
});

test('canary Rollout on the sandbox: --promote auto promotes the indefinite pause as kubectl argo rollouts does, --abort-at 2 goes back as its own step', { timeout: 240_000 }, async (t) => {
  const steps: ProgressiveStrategy = { kind: 'canary', steps: [{ kind: 'weight', percent: 34 }, { kind: 'pause', ms: null }, { kind: 'weight', percent: 67 }] };
  const promoted = await roll(t, steps, [], 3);
  assert.ok(promoted.results, promoted.io.err());
  const actions = promoted.results.events.flatMap((e) => (e.kind === 'rollout-step' ? [`${e.index} ${e.action}`] : []));
  assert.deepEqual(actions.slice(0, 3), ['0 set-weight', '1 pause', '2 set-weight'], actions.join(', '));
  // The promote is the status patch of `kubectl argo rollouts promote`, to the status subresource.
  assert.ok(promoted.requests.includes('patch rollouts/status'), promoted.requests.join(', '));
  assert.ok(promoted.patches.some((p) => JSON.stringify(p.body) === '{"status":{"pauseConditions":null}}'));
  assert.ok(promoted.results.events.some((e) => e.kind === 'note' && /promoted as `kubectl argo rollouts promote` does/.test(e.message)));
  assert.equal(promoted.results.events.find((e) => e.kind === 'rollout-complete')?.kind, 'rollout-complete');

  const aborted = await roll(t, steps, ['--abort-at', '2'], 3);
  assert.ok(aborted.results, aborted.io.err());
  assert.ok(aborted.patches.some((p) => JSON.stringify(p.body) === '{"status":{"abort":true}}'), 'the abort patch of kubectl argo rollouts abort');
  const abort = aborted.results.analysis?.rolloutSteps?.find((s) => s.action === 'abort');
  assert.ok(abort, `steps: ${aborted.results.analysis?.rolloutSteps?.map((s) => s.action).join(', ')}`);
  // Where the rollout was when the abort landed: step 2, or past it when the controller moved on before the patch (a busy machine).
  assert.ok(abort.index >= 2, `the abort at step ${abort.index}`);
  assert.equal(typeof abort.pass, 'boolean', 'the way back has a verdict of its own');
  // The canary pod went; the stable set is back at full size, and the run says the abort was what it asked for.
  const canaryRevision = aborted.results.events.find((e) => e.kind === 'rollout-step' && e.action === 'abort');
  assert.ok(canaryRevision?.kind === 'rollout-step');
  assert.ok(aborted.cluster.local.pods().every((p) => p.revision !== canaryRevision.canaryRevision || p.terminating));
  assert.equal(aborted.results.events.some((e) => e.kind === 'rollout-failed'), false, 'an abort rollcheck asked for is not a failed rollout');
});

test('--promote manual on the sandbox: the pause waits, the run says how to promote and fails clearly at --rollout-timeout; bad values are one-line usage errors', { timeout: 240_000 }, async (t) => {
  const steps: ProgressiveStrategy = { kind: 'canary', steps: [{ kind: 'weight', percent: 50 }, { kind: 'pause', ms: null }] };
  // One sandbox for the three runs: the usage errors first, while the rollout is settled; they patch nothing.
  const sb = await sandbox(t, steps);
  const bad = await sb.run(['--promote', 'sometimes']);
  assert.equal(bad.code, 2);
  assert.match(bad.io.err(), /^rollcheck: --promote: "sometimes" is neither auto .* nor manual .*\n$/);
  const badStep = await sb.run(['--abort-at', '5']);
  assert.equal(badStep.code, 2);
  assert.match(badStep.io.err(), /--abort-at: rollout "demo" has canary steps 0-1; use one of them/);
  assert.deepEqual(badStep.patches, [], 'neither usage error patched anything');
  const manual = await sb.run(['--promote', 'manual', '--rollout-timeout', '6s']);
  assert.match(manual.io.err(), /--promote manual: each indefinite pause waits for you: kubectl argo rollouts promote -n default demo/);
  assert.ok(manual.results);
  assert.equal(manual.requests.includes('patch rollouts/status'), false, 'nobody promoted');
  const failed = manual.results.events.find((e) => e.kind === 'rollout-failed');
  assert.ok(failed?.kind === 'rollout-failed' && /paused at canary step 1 .*waiting for a promote nobody sent: kubectl argo rollouts promote -n default demo/.test(failed.reason), JSON.stringify(failed));
  assert.notEqual(manual.code, 0);
});

test('blue-green with autoPromotionEnabled false on the sandbox: --promote auto promotes the pause before the switch as kubectl argo rollouts promote does; --promote manual waits with the old set active', { timeout: 240_000 }, async (t) => {
  const strategy: ProgressiveStrategy = { kind: 'blue-green', scaleDownDelayMs: 5000, autoPromotionEnabled: false };
  const auto = await roll(t, strategy);
  assert.ok(auto.results, auto.io.err());
  assert.match(auto.io.err(), /blueGreen \(scaleDownDelaySeconds 5, autoPromotionEnabled false\)/);
  const actions = auto.results.events.flatMap((e) => (e.kind === 'rollout-step' ? [`${e.index} ${e.action}`] : []));
  assert.deepEqual(actions, ['0 preview', '0 pause', '1 switch'], actions.join(', '));
  assert.ok(auto.patches.some((p) => JSON.stringify(p.body) === '{"status":{"pauseConditions":null}}'), 'the status patch of kubectl argo rollouts promote');
  assert.ok(auto.results.events.some((e) => e.kind === 'note' && /paused before the switch \(autoPromotionEnabled false\): promoted as `kubectl argo rollouts promote` does/.test(e.message)));
  assert.ok(auto.results.events.some((e) => e.kind === 'rollout-complete'));
  // The scale-down is the stable ReplicaSet scaled to 0, seen by its watch.
  assert.deepEqual(auto.results.analysis?.rolloutSteps?.map((s) => s.action), ['preview', 'pause', 'switch', 'scale-down']);

  const manual = await roll(t, strategy, ['--promote', 'manual', '--rollout-timeout', '8s']);
  assert.ok(manual.results, manual.io.err());
  assert.equal(manual.requests.includes('patch rollouts/status'), false, 'nobody promoted');
  const failed = manual.results.events.find((e) => e.kind === 'rollout-failed');
  assert.ok(failed?.kind === 'rollout-failed' && /paused before the switch \(autoPromotionEnabled false\), waiting for a promote nobody sent: kubectl argo rollouts promote -n default demo/.test(failed.reason), JSON.stringify(failed));
  assert.notEqual(manual.code, 0);
  // Still paused: the active Service selects the old set, whose pods were never taken down.
  const preview = manual.results.events.find((e) => e.kind === 'rollout-step' && e.action === 'preview');
  assert.ok(preview?.kind === 'rollout-step');
  const selector = (manual.cluster.server.store.get('services', 'demo')?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  assert.equal(selector?.['rollouts-pod-template-hash'], preview.stableRevision);
  assert.equal(manual.results.events.some((e) => e.kind === 'rollout-step' && e.action === 'switch'), false);
  assert.equal(manual.results.failures.length, 0, 'the paused blue-green drops nothing');
});

test('restart on the sandbox sets spec.restartAt as kubectl argo rollouts restart does: every pod replaced, no steps', { timeout: 240_000 }, async (t) => {
  const r = await roll(t, { kind: 'canary', steps: [{ kind: 'weight', percent: 50 }, { kind: 'pause', ms: null }] }, ['--trigger', 'restart']);
  // With a 1 s preStop under a 2 s endpoint delay the replaced pods drop requests (exit 1); the restart itself is what is checked here.
  assert.ok(r.results && (r.code === 0 || r.code === 1), r.io.err());
  assert.ok(r.results.events.some((e) => e.kind === 'rollout-complete'), 'complete once status.restartedAt caught up with spec.restartAt');
  assert.ok(r.patches.some((p) => /^\{"spec":\{"restartAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}\}$/.test(JSON.stringify(p.body))), JSON.stringify(r.patches.map((p) => p.body)));
  assert.equal(r.results.events.some((e) => e.kind === 'rollout-step'), false, 'a restart runs no steps');
  const before = new Set(r.results.events.flatMap((e) => (e.kind === 'pod-terminating' ? [e.pod] : [])));
  assert.equal(before.size, 2, 'both pods were replaced');
  const revisions = new Set(r.cluster.local.pods().map((p) => p.revision));
  assert.equal(revisions.size, 1, 'the same revision: no new ReplicaSet');
});
