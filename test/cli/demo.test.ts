// test-lane: slow: the whole demo ladder, real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { loadResults } from '../../src/results/io.js';

// The whole ladder on real processes in PID namespaces: about 40 s on two busy cores.
test('rollcheck demo: each variant shows its finding and the last one passes', { timeout: 170_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-demo-'));
  try {
    const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const code = await runCli(['demo', '--no-dashboard', '--out-dir', 'out', '--baseline', '500ms', '--cooldown', '500ms'], io);
    const out = io.out();
    assert.equal(code, 0, `${out}\n${io.err()}`);
    const expected: Array<[string, string | null]> = [
      ['1-shell', 'sigterm-ignored'],
      ['2-exec', 'no-prestop-drain'],
      ['3-prestop', 'keepalive-reset'],
      ['4-drain', null],
    ];
    for (const [name, finding] of expected) {
      const r = loadResults(join(dir, 'out', `${name}.json`));
      const ids = r.analysis?.findings.map((f) => f.id) ?? [];
      if (finding) {
        assert.ok(ids.includes(finding as never), `${name}: ${ids.join(', ')}`);
        assert.equal(r.analysis?.verdict.pass, false, name);
      } else {
        assert.equal(r.totals.failed, 0, `${name}: ${ids.join(', ')}`);
        assert.equal(r.analysis?.verdict.pass, true);
      }
      assert.ok(existsSync(join(dir, 'out', `${name}.html`)), `${name}.html`);
    }
    assert.ok(existsSync(join(dir, 'out', 'compare.html')));
    assert.match(out, /\[1\/4\] shell[\s\S]*✓[\s\S]*lesson:[\s\S]*fix:/);
    assert.match(out, /^drain\s+0\/\d+\s+0%\s+none.*PASS/m);
    assert.match(out, /every variant showed its lesson \(exit 0\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollcheck demo: an unknown variant or a preStop shorter than the endpoint delay is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-demo-'));
  try {
    const a = createTestIo({ cwd: dir });
    assert.equal(await runCli(['demo', '--variants', 'shell,nope', '--out-dir', 'o'], a), 2);
    assert.match(a.err(), /unknown variant nope; choose from shell, exec, prestop, drain/);
    const b = createTestIo({ cwd: dir });
    assert.equal(await runCli(['demo', '--prestop-sleep', '500ms', '--out-dir', 'o'], b), 2);
    assert.match(b.err(), /must be longer than --endpoint-delay/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
