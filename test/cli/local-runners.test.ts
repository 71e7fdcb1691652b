// test-lane: slow: real rollouts with runner processes
// test-from-source: runner processes of a run from the .ts sources start the CLI through tsx
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';

/** runnerProcesses lists live `rollcheck runner` processes whose spec names `url`. */
function runnerProcesses(url: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('runner\0--spec') && cmd.includes(url)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

test('rollcheck local --runners 2 on the shell demo: two runner processes, merged, sigterm-ignored, exit 1, none left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-local-runners-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'run.json');
  const io = createTestIo({ cwd: dir });
  const code = await runCli(
    ['local', '--app', 'demo', '--entrypoint', 'shell', '--replicas', '2', '--rate', '100', '--runners', '2', '--grace-period', '2s', '--warmup', '1s', '--cooldown', '1s', '--out', out, '--no-dashboard'],
    io,
  );
  const r = loadResults(out);
  assert.equal(code, 1, io.err());
  assert.equal(r.meta.params.runners, 2);
  const runners = r.meta.runners ?? [];
  assert.deepEqual(runners.map((x) => [x.index, x.status, x.ratePerSec]), [[0, 'finished', 50], [1, 'finished', 50]]);
  assert.equal(runners[0]!.sent + runners[1]!.sent, r.totals.sent);
  assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
  assert.ok(r.analysis?.findings.some((f) => f.id === 'sigterm-ignored'));
  assert.ok(r.failures.length > 0 && r.failures.every((f) => f.runner === 0 || f.runner === 1));
  assert.deepEqual(runnerProcesses(r.meta.target), []);
});

test('rollcheck local --runners with --workers is a one-line usage error', async () => {
  const io = createTestIo();
  assert.equal(await runCli(['local', '--app', 'demo', '--runners', '2', '--workers', '2', '--no-dashboard'], io), 2);
  assert.match(io.err(), /^rollcheck: --workers and --runners: give only one/);
});
