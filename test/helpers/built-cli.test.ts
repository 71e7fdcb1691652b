// cliArgv starts the fresh build when there is one and the source otherwise; either way the same CLI answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtIsFresh, cliArgv } from './built-cli.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('cliArgv runs the built entry only when dist/ is newer than src/, and the CLI it starts answers --version', () => {
  const [cmd, argv] = cliArgv(['--version']);
  assert.equal(cmd, process.execPath);
  const entry = argv.find((a) => /entry\.(js|ts)$/.test(a)) ?? '';
  assert.match(entry, builtIsFresh() ? /\/dist\/cli\/entry\.js$/ : /\/src\/cli\/entry\.ts$/);
  assert.equal(argv.includes('--import'), !builtIsFresh(), 'tsx only for the source');
  assert.equal(execFileSync(cmd, argv, { encoding: 'utf8' }).trim(), version);
});
