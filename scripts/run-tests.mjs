#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's test runner (through tsx), prints the
// spec report, then one closing line "N passed, N failed, N skipped".
// Arguments narrow the run to files or folders: `npm test -- test/traffic`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
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
const args = [
  '--import', 'tsx',
  '--test',
  '--test-timeout=180000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('exit', (code, signal) => {
  let pass = 0, fail = 0, skip = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    const grab = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
    pass = grab('pass'); fail = grab('fail'); skip = grab('skipped') + grab('todo');
  } catch { /* no report: the runner itself failed */ }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n${pass} passed, ${fail} failed, ${skip} skipped`);
  process.exit(code ?? (signal ? 1 : 0));
});
