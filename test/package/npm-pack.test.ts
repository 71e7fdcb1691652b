// test-lane: slow: npm pack, a global install into a temp prefix, and two demo rungs from the installed package
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { skipUnlessBuilt } from '../tools.js';
import { REPO_ROOT } from '../helpers/built-cli.js';
import { judgeDemoExit } from '../helpers/traffic-command.js';

const run = promisify(execFile);
// The checkout itself: npm packs what its package.json lists, not the test tree's links to it.
const ROOT = REPO_ROOT;

// The package as a user gets it: packed from the built dist, installed globally into an empty prefix, run from an
// empty folder. The tarball has no test/ (package.json "files"), so nothing from test/ can be needed at run time.
test('npm pack: the tarball installs with npm install -g and its rollcheck runs the demo from an empty folder', { timeout: 400_000, skip: skipUnlessBuilt() }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, npm_config_update_notifier: 'false' };
  // --ignore-scripts: pack the dist as built, rather than build again (prepare).
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env });
  const tarball = join(dir, packed.stdout.trim().split('\n').at(-1) ?? '');
  assert.match(tarball, /rollcheck-\d+\.\d+\.\d+\.tgz$/);
  const listing = (await run('tar', ['tzf', tarball])).stdout.split('\n').filter(Boolean);
  assert.ok(listing.includes('package/dist/cli/main.js') && listing.includes('package/bin/rollcheck'), 'the built CLI is in the package');
  assert.ok(listing.some((p) => p.startsWith('package/manifests/demo/')), 'the demo app is in the package');
  assert.deepEqual(listing.filter((p) => /^package\/(test|src)\//.test(p)), [], 'no tests or sources in the package');
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env, maxBuffer: 16 << 20 });
  const installed = join(prefix, 'lib', 'node_modules', 'rollcheck');
  assert.ok(!existsSync(join(installed, 'test')), 'no test/ installed');
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const bin = join(prefix, 'bin');
  const version = await run(join(bin, 'kubectl-rollcheck'), ['--version'], { cwd: empty, env });
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  // An exit 3 (a rung inconclusive: the generator fell behind on two busy cores) is judged from the rungs' files.
  const demo = await run(join(bin, 'rollcheck'), ['demo', '--variants', 'shell,drain', '--baseline', '500ms', '--cooldown', '500ms', '--no-dashboard'], { cwd: empty, env, maxBuffer: 16 << 20 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '' }),
  );
  // It wrote where a user runs it: reports/<timestamp>-demo/ in the empty folder, the demo app from the package.
  const reports = readdirSync(join(empty, 'reports'));
  assert.equal(reports.length, 1);
  assert.ok(existsSync(join(empty, 'reports', reports[0] ?? '', '2-drain.json')));
  const unsure = judgeDemoExit(demo.code, join(empty, 'reports', reports[0] ?? ''), ['shell', 'drain'], demo.stdout);
  if (unsure.length > 0) return t.diagnostic(`inconclusive: ${unsure.join(', ')}`);
  assert.match(demo.stdout, /\[1\/2\] shell[\s\S]*✓[\s\S]*\[2\/2\] drain[\s\S]*every variant showed its lesson \(exit 0\)/);
  assert.match(demo.stdout, /^drain\s+0\/\d+\s+0%\s+none.*PASS/m);
});
