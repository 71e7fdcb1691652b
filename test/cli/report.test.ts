import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { sampleResults } from '../report/sample-results.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rollcheck-report-cli-'));
}

test('rollcheck report run.json writes run.html next to it', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'run.json'), JSON.stringify(sampleResults()));
    const io = createTestIo({ cwd: dir });
    assert.equal(await runCli(['report', 'run.json'], io), 0, io.err());
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    assert.match(html, /<script type="application\/json" id="rollcheck-data">/);
    assert.match(io.out(), /report: .*run\.html/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollcheck report -o and --summary; a threshold flag re-judges the run', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'run.json'), JSON.stringify(sampleResults()));
    const io = createTestIo({ cwd: dir });
    assert.equal(await runCli(['report', 'run.json', '-o', 'x.html', '--summary', '--max-errors', '1000'], io), 0, io.err());
    assert.ok(existsSync(join(dir, 'x.html')));
    assert.match(io.out(), /verdict\s+PASS/);
    const io2 = createTestIo({ cwd: dir });
    assert.equal(await runCli(['report', 'run.json', '-o', 'y.html', '--summary'], io2), 0);
    assert.match(io2.out(), /verdict\s+FAIL/);
    assert.match(io2.out(), /sigterm-ignored/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollcheck report: missing file, not JSON, missing folder are one-line usage errors', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    writeFileSync(join(dir, 'run.json'), JSON.stringify(sampleResults()));
    for (const args of [['report', 'nope.json'], ['report', 'bad.json'], ['report', 'run.json', '-o', 'no/such/dir/x.html'], ['report', 'run.json', '--max-error-rate', 'lots']]) {
      const io = createTestIo({ cwd: dir });
      assert.equal(await runCli(args, io), 2, args.join(' '));
      assert.equal(io.err().trim().split('\n').length, 1, io.err());
      assert.match(io.err(), /^rollcheck: /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
