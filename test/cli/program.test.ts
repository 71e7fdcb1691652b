import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { VERSION } from '../../src/version.js';

test('--version prints the package version and exits 0', async () => {
  const io = createTestIo();
  assert.equal(await runCli(['--version'], io), 0);
  assert.equal(io.out().trim(), VERSION);
});

test('an unknown flag is one line on stderr and exit 2', async () => {
  const io = createTestIo();
  assert.equal(await runCli(['--no-such-flag'], io), 2);
  assert.match(io.err(), /^rollcheck: unknown option '--no-such-flag'/);
  assert.doesNotMatch(io.err(), /at .*\.ts:\d+/);
});
