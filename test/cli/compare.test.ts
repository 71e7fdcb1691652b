import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { sampleResults } from '../report/sample-results.js';
import { makeResults } from '../analysis/fixtures.js';
import { analyze, decideVerdict } from '../../src/analysis/index.js';
import { formatCompareTable } from '../../src/report/compare-table.js';

test('rollcheck compare a.json b.json: terminal table and one HTML page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-compare-cli-'));
  try {
    const clean = makeResults({ ratePerSec: 100, durationMs: 20_000 });
    clean.analysis = analyze(clean, { maxErrors: 0 });
    writeFileSync(join(dir, 'shell.json'), JSON.stringify(sampleResults()));
    writeFileSync(join(dir, 'exec.json'), JSON.stringify(clean));
    const io = createTestIo({ cwd: dir });
    const code = await runCli(['compare', 'shell.json', 'exec.json', '--label', 'shell', '--label', 'exec', '-o', 'cmp.html'], io);
    assert.equal(code, 0, io.err());
    const lines = io.out().split('\n');
    assert.match(lines[0] ?? '', /^run\s+failed\s+error rate\s+longest outage\s+p99\s+verdict\s+findings/);
    assert.match(lines[1] ?? '', /^shell\s+39\/2000\s+1\.95%.*FAIL\s+sigterm-ignored, unrelated-errors/);
    assert.match(lines[2] ?? '', /^exec\s+0\/2000\s+0%\s+none.*PASS\s+none/);
    const html = readFileSync(join(dir, 'cmp.html'), 'utf8');
    assert.match(html, /"label":"shell"/);
    assert.match(html, /"label":"exec"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare: a run that could not be judged (exit 3) reads INCONCLUSIVE in the table, not FAIL', () => {
  const clean = makeResults({ ratePerSec: 100, durationMs: 20_000 });
  clean.analysis = analyze(clean, { maxErrors: 0 });
  const behind = "the generator fell behind its schedule: worker 0's event loop was blocked for 900 ms";
  const unsure = makeResults({ ratePerSec: 100, durationMs: 20_000 });
  const analysis = analyze(unsure, { maxErrors: 0 });
  unsure.analysis = { ...analysis, verdict: decideVerdict({ totals: unsure.totals, longestOutageMs: 0, findings: [], thresholds: { maxErrors: 0 }, generatorBehind: behind }) };
  assert.equal(unsure.analysis.verdict.inconclusive, behind);
  const lines = formatCompareTable([clean, unsure], { labels: ['kept up', 'behind'] }).split('\n');
  assert.match(lines[1] ?? '', /^kept up\s.*\sPASS\s+none$/);
  assert.match(lines[2] ?? '', /^behind\s.*\sINCONCLUSIVE\s+none$/);
});

test('rollcheck compare needs two files and one label per file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-compare-cli-'));
  try {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(sampleResults()));
    const one = createTestIo({ cwd: dir });
    assert.equal(await runCli(['compare', 'a.json'], one), 2);
    assert.match(one.err(), /at least two results files/);
    const labels = createTestIo({ cwd: dir });
    assert.equal(await runCli(['compare', 'a.json', 'a.json', '--label', 'x'], labels), 2);
    assert.match(labels.err(), /one per file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
