// cliArgv starts the test tree's JavaScript, or from the sources the fresh build or the source through tsx; each answers as the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cliArgv, cliKind } from './built-cli.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('cliArgv starts the entry cliKind names, with tsx only for the source, and the CLI it starts answers --version', () => {
  const [cmd, argv] = cliArgv(['--version']);
  assert.equal(cmd, process.execPath);
  const entry = argv.find((a) => /entry\.(js|ts)$/.test(a)) ?? '';
  const expected = { tree: /\/src\/cli\/entry\.js$/, dist: /\/dist\/cli\/entry\.js$/, source: /\/src\/cli\/entry\.ts$/ }[cliKind()];
  assert.match(entry, expected);
  assert.equal(argv.includes('--import'), cliKind() === 'source', 'tsx only for the source');
  assert.equal(import.meta.url.endsWith('.js'), cliKind() === 'tree', 'the tree when this file runs as JavaScript');
  assert.equal(execFileSync(cmd, argv, { encoding: 'utf8' }).trim(), version);
});
