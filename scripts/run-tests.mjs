#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's test runner (through tsx), prints the
// spec report, then one closing line "N passed, N failed, N skipped".
// Arguments narrow the run to files or folders: `npm test -- test/traffic`.
// The tests get a temp dir of their own (TMPDIR): whatever is left in it at the
// end is litter from a test or a library call, listed and counted as a failure.
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, statSync, readFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (/\.test\.tsx?$/.test(path)) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).flatMap((r) => collect(resolve(r), []));
if (files.length === 0) {
  console.error('no test files found under ' + (roots.join(' ') || 'test/'));
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'rollcheck-tests-'));
const tap = join(dir, 'report.tap');
const testTmp = join(dir, 'tmp');
mkdirSync(testTmp);
// Like /tmp: tests that run a step as an unprivileged user need to reach and use it.
chmodSync(dir, 0o755);
chmodSync(testTmp, 0o1777);
const args = [
  '--import', 'tsx',
  '--test',
  '--test-timeout=180000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
];
const child = spawn(process.execPath, args, {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, TMPDIR: testTmp },
});
child.on('exit', (code, signal) => {
  let pass = 0, fail = 0, skip = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    const grab = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
    pass = grab('pass'); fail = grab('fail'); skip = grab('skipped') + grab('todo');
  } catch { /* no report: the runner itself failed */ }
  // tsx keeps its compile cache there (tsx-<uid>): the runner's own, not a test's.
  const litter = readdirSync(testTmp).filter((name) => !/^tsx-\d+$/.test(name));
  if (litter.length > 0) {
    fail += 1;
    console.log(`\n✖ the tests left ${litter.length} entr${litter.length === 1 ? 'y' : 'ies'} in the temp dir: ${litter.slice(0, 10).join(', ')}${litter.length > 10 ? ', …' : ''}`);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n${pass} passed, ${fail} failed, ${skip} skipped`);
  process.exit(litter.length > 0 ? 1 : (code ?? (signal ? 1 : 0)));
});
