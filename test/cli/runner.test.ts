import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';

test('rollcheck runner: hidden from help; a bad spec is one line naming who starts it, exit 2', async () => {
  const help = createTestIo();
  await runCli(['--help'], help);
  assert.doesNotMatch(help.out(), /\brunner\b/);
  for (const spec of ['not json', '{"url":"http://127.0.0.1/"}']) {
    const io = createTestIo();
    assert.equal(await runCli(['runner', '--spec', spec], io), 2);
    const lines = io.err().trim().split('\n');
    assert.equal(lines.length, 1, io.err());
    assert.match(lines[0] ?? '', /^rollcheck: --spec: .*started by `rollcheck run --runners N`/);
  }
});

test('rollcheck runner: a shared Job spec (index -1) needs JOB_COMPLETION_INDEX', async () => {
  const spec = JSON.stringify({ url: 'http://127.0.0.1:9/', settings: { ratePerSec: 10 }, index: -1, count: 3, epochMs: 0, startAtEpochMs: 0, warmupMs: 0, offsetMs: 0, lateStartMs: 0, maxRunMs: 1 });
  const io = createTestIo();
  assert.equal(await runCli(['runner', '--spec', spec], io), 2);
  assert.match(io.err(), /JOB_COMPLETION_INDEX/);
});

test('rollcheck runner: without --spec it reads ROLLCHECK_RUNNER_SPEC (a Job fills it from a Secret); without either, one line', async () => {
  const none = createTestIo({ env: {} });
  assert.equal(await runCli(['runner'], none), 2);
  assert.match(none.err().trim(), /^rollcheck: give --spec or ROLLCHECK_RUNNER_SPEC; this command is started by `rollcheck run --runners N`/);
  const fromEnv = createTestIo({ env: { ROLLCHECK_RUNNER_SPEC: 'not json' } });
  assert.equal(await runCli(['runner'], fromEnv), 2);
  assert.match(fromEnv.err(), /^rollcheck: --spec: not JSON/, 'the variable is read as the spec');
});
