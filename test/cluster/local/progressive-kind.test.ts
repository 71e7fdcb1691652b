// `rollcheck local --strategy canary|blue-green` runs the Argo Rollout model, not
// a Deployment's rolling update: the results' workload kind, parameters and the
// target line say `rollout` (as `run --workload rollout/NAME` does); an Argo
// Rollout cannot be a StatefulSet or a DaemonSet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localEntry } from '../../../src/cluster/local/local-entry.js';
import { DEFAULT_LOCAL_SETTINGS, localRuntimeParams, workloadKindOf, type LocalRuntimeSettings } from '../../../src/cluster/local/settings.js';
import { runCli } from '../../../src/cli/program.js';
import { createTestIo } from '../../helpers.js';

const base: LocalRuntimeSettings = { ...DEFAULT_LOCAL_SETTINGS, env: {} };
const canary: LocalRuntimeSettings = { ...base, strategy: { kind: 'canary', steps: [{ kind: 'weight', percent: 50 }] } };
const blueGreen: LocalRuntimeSettings = { ...base, strategy: { kind: 'blue-green', scaleDownDelayMs: 0 } };

test('a --strategy makes the workload an Argo Rollout in meta.cluster, the parameters and the target line', () => {
  assert.equal(workloadKindOf(base), 'deployment');
  for (const [s, words] of [[canary, /Argo Rollout, canary, steps setWeight 50%/], [blueGreen, /Argo Rollout, blue-green, scaleDownDelay 0s/]] as const) {
    assert.equal(workloadKindOf(s), 'rollout');
    assert.deepEqual(localEntry.target(s).workload, { kind: 'rollout', name: 'demo' });
    assert.equal(localRuntimeParams(s).workload, 'rollout');
    assert.match(localEntry.describe(s), words);
  }
  assert.doesNotMatch(localEntry.describe(base), /Rollout/);
});

test('--strategy with --workload statefulset or daemonset: one line naming the fix, exit 2', async () => {
  for (const kind of ['statefulset', 'daemonset']) {
    const io = createTestIo();
    const code = await runCli(['local', '--app', 'demo', '--workload', kind, '--strategy', 'canary', '--no-dashboard'], io);
    assert.equal(code, 2, io.err());
    assert.match(io.err(), new RegExp(`--strategy canary: an Argo Rollout replaces pods as a Deployment's ReplicaSets do; remove --workload ${kind} or --strategy\\n$`));
    assert.equal(io.err().trim().split('\n').length, 1);
  }
});
