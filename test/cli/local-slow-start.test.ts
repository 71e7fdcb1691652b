import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';

async function demoRun(dir: string, name: string, env: string[]): Promise<Results> {
  const out = join(dir, `${name}.json`);
  await runCli(
    ['local', '--app', 'demo', '--entrypoint', 'exec', '--prestop-sleep', '1500ms', '--grace-period', '5s', '--replicas', '2',
      '--rate', '100', '--connections', '60', '--warmup', '1s', '--baseline', '5s', '--cooldown', '6s',
      ...env.flatMap((e) => ['--env', e]), '--out', out, '--no-dashboard'],
    createTestIo({ cwd: dir }),
  );
  return loadResults(out);
}

test('the demo app with a cold start gives slow-start for its new pods; without one, never', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-slow-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Old pods are warm by the rollout (after the 5 s baseline); new pods start cold for 6 s.
  const cold = await demoRun(dir, 'cold', ['DEMO_COLD_START_MS=6000']);
  const ids = (r: Results): string[] => r.analysis?.findings.map((f) => f.id) ?? [];
  const slow = cold.analysis?.findings.find((f) => f.id === 'slow-start');
  assert.ok(slow, `cold start: ${ids(cold).join(', ')}`);
  const firstRev = cold.events.find((e) => e.kind === 'pod-created')?.pod.replace(/-[^-]+$/, '');
  assert.ok(slow.pods.length > 0 && slow.pods.every((p) => !p.startsWith(`${firstRev}-`)), `only new pods: ${slow.pods.join(', ')}`);
  assert.match(slow.evidence[0] ?? '', /mean service time .* over its first 5\.0 s .* the settled pods meanwhile/);
  const warm = await demoRun(dir, 'warm', []);
  assert.ok(!ids(warm).includes('slow-start'), `warm: ${ids(warm).join(', ')}`);
});
