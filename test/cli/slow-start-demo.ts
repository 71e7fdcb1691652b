// The demo app rolled under `rollcheck local` with and without its cold start:
// one run each in test/cli/local-slow-start.test.ts, N each in `npm run slow-start`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { Results } from '../../src/results/types.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';

/**
 * COLD_START_MS is the demo's cold time: for this long after listening a request takes
 * a tenth of what is left on top of its 50 ms. Old pods are warm by the rollout (after
 * the 1 s warm-up and 5 s baseline); each new pod gets its first answers once the old
 * pod's connections move over (after its 1.5 s preStop), still cold.
 */
export const COLD_START_MS = 6000;

/** slowStartDemoArgs is the `rollcheck local` command line of one run (without --out). */
export function slowStartDemoArgs(cold: boolean): string[] {
  const env = cold ? [`DEMO_COLD_START_MS=${COLD_START_MS}`] : [];
  return [
    'local', '--app', 'demo', '--entrypoint', 'exec', '--prestop-sleep', '1500ms', '--grace-period', '5s', '--replicas', '2',
    '--rate', '100', '--connections', '60', '--warmup', '1s', '--baseline', '5s', '--cooldown', '6s',
    ...env.flatMap((e) => ['--env', e]), '--no-dashboard',
  ];
}

/** runSlowStartDemo runs the demo once (in a temp dir it removes) and returns its results. */
export async function runSlowStartDemo(cold: boolean): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-slow-start-'));
  try {
    const out = join(dir, 'run.json');
    await runCli([...slowStartDemoArgs(cold), '--out', out], createTestIo({ cwd: dir }));
    return loadResults(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
