// test-lane: serial: demo rungs on the embedded runtime (real pods, real rollouts) whose verdicts need the cores (a drain rung beside 7 other files came out inconclusive)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { validateJunitFile } from '../report/junit-schema.js';
import { judgeDemoExit } from '../helpers/traffic-command.js';

const RUNG = ['--no-dashboard', '--baseline', '500ms', '--cooldown', '500ms'];

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ci-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A failing rung in a GitHub Actions job: JUnit for the test tab, the job summary, one annotation per finding.
test('demo shell rung under GITHUB_ACTIONS: valid JUnit with the finding failed, the Markdown in the job summary, one ::error line', { timeout: 120_000, skip: skipUnless('xmllint') }, async (t) => {
  const dir = tempDir(t);
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md') } });
  const code = await runCli(['demo', '--variants', 'shell', ...RUNG, '--out-dir', 'out', '--junit', 'junit.xml', '--summary-md', 'summary.md'], io);
  assert.equal(code, 0, `the rung showed its lesson\n${io.out()}\n${io.err()}`);
  const v = validateJunitFile(join(dir, 'junit.xml'));
  assert.ok(v.ok, v.output);
  const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
  assert.match(xml, /<testcase classname="rollcheck.findings" name="sigterm-ignored" time="0.000">\s*<failure type="critical" message="[^"]*SIGKILLed[^"]*Fix: /);
  assert.match(xml, /<testsuite name="rollcheck demo shell http:\/\/127\.0\.0\.1:\d+\/" tests="\d+" failures="[1-9]\d*"/);
  const errors = io.out().split('\n').filter((l) => l.startsWith('::error '));
  assert.equal(errors.length, 1, io.out());
  assert.match(errors[0] ?? '', /^::error title=sigterm-ignored::\d+ pods? ignored SIGTERM .* Fix: /);
  const md = readFileSync(join(dir, 'summary.md'), 'utf8');
  const r = loadResults(join(dir, 'out', '1-shell.json'));
  assert.match(md, /^### ❌ rollcheck demo \(shell\): FAIL$/m);
  assert.match(md, new RegExp(`^\\| ${r.totals.sent} \\| ${r.totals.ok} \\| ${r.totals.failed} \\|`, 'm'));
  assert.match(md, /^- \*\*sigterm-ignored\*\* \(critical/m);
  assert.equal(readFileSync(join(dir, 'step-summary.md'), 'utf8'), `${md}\n`, 'the job summary gets the same Markdown');
  // The same outputs from the saved file alone.
  const again = createTestIo({ cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(await runCli(['report', join('out', '1-shell.json'), '-o', 'again.html', '--junit', 'again.xml', '--summary-md', 'again.md'], again), 0, again.err());
  assert.equal(readFileSync(join(dir, 'again.xml'), 'utf8'), xml);
  assert.equal(readFileSync(join(dir, 'again.md'), 'utf8'), md);
  assert.deepEqual(again.out().split('\n').filter((l) => l.startsWith('::error ')), errors);
  assert.match(again.out(), /^junit: +.*again\.xml$/m);
});

// The prestop rung regresses against the drain rung's results; the drain rung does not.
test('baselines: a prestop rung against a drain-rung file names the regression and exits 1, a drain rung exits 0; compare --baseline agrees', { timeout: 200_000 }, async (t) => {
  const dir = tempDir(t);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const drain = createTestIo({ cwd: dir, env });
  // A drain rung may come out inconclusive (exit 3) only when its generator fell behind on the busy machine.
  judgeDemoExit(await runCli(['demo', '--variants', 'drain', ...RUNG, '--out-dir', 'base'], drain), join(dir, 'base'), ['drain'], drain.out() + drain.err());
  const baseline = join('base', '1-drain.json');
  assert.equal(loadResults(join(dir, baseline)).totals.failed, 0);
  const prestop = createTestIo({ cwd: dir, env });
  const code = await runCli(['demo', '--variants', 'prestop', ...RUNG, '--out-dir', 'new', '--baseline-results', baseline, '--max-regression', 'errors=0,outage=200ms', '--summary-md', 'new.md'], prestop);
  assert.equal(code, 1, prestop.out() + prestop.err());
  assert.match(prestop.out(), /^ {6}✗ regression against the baseline: \d+ failed requests?, up from 0/m);
  assert.match(prestop.out(), /every variant showed its lesson, but some regressed against --baseline-results \(exit 1\)/);
  const reasons = loadResults(join(dir, 'new', '1-prestop.json')).analysis?.verdict.reasons ?? [];
  assert.ok(reasons.some((x) => /^regression against the baseline: \d+ failed requests?, up from 0 \(--max-regression errors=0\)$/.test(x)), reasons.join('\n'));
  assert.match(readFileSync(join(dir, 'new.md'), 'utf8'), /^\| errors \| 0 \| [1-9]\d* \| 0 \| ❌ regressed \|$/m);
  const again = createTestIo({ cwd: dir, env });
  judgeDemoExit(await runCli(['demo', '--variants', 'drain', ...RUNG, '--out-dir', 'again', '--baseline-results', baseline, '--max-regression', 'errors=0,outage=200ms'], again), join(dir, 'again'), ['drain'], again.out() + again.err());
  // The same judgement from the saved files.
  const bad = createTestIo({ cwd: dir });
  assert.equal(await runCli(['compare', '--baseline', baseline, join('new', '1-prestop.json'), '-o', 'cmp.html', '--max-regression', 'errors=0'], bad), 1);
  assert.match(bad.out(), /^errors +0 +[1-9]\d* +0 +REGRESSED$/m);
  const good = createTestIo({ cwd: dir });
  assert.equal(await runCli(['compare', '--baseline', baseline, join('again', '1-drain.json'), '-o', 'cmp2.html'], good), 0, good.out());
  assert.match(readFileSync(join(dir, 'cmp.html'), 'utf8'), /regression against the baseline/);
});

// A game day's JUnit: a case per step, with its span as the time; a failing step is a failed case.
test('scenario --junit: one case per step, the failing command step failed', { timeout: 120_000, skip: skipUnless('xmllint') }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'day.yaml'),
    [
      'name: junit game day',
      'target:',
      '  local: {app: demo, entrypoint: exec, replicas: 2, grace-period: 3s, prestop-sleep: 300ms, endpoint-delay: 100ms}',
      'traffic: {rate: 40, connections: 2, warmup: 500ms}',
      'thresholds: {max-errors: 1000}',
      'steps:',
      '  - wait: 500ms',
      '  - rollout: restart',
      '  - cmd: exit 3',
      '    name: a failing command',
      'cooldown: 300ms',
      '',
    ].join('\n'),
  );
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  assert.equal(await runCli(['scenario', 'day.yaml', '--no-dashboard', '-o', 'day.json', '--junit', 'day.xml'], io), 1, io.err());
  const v = validateJunitFile(join(dir, 'day.xml'));
  assert.ok(v.ok, v.output);
  const xml = readFileSync(join(dir, 'day.xml'), 'utf8');
  assert.match(xml, /<testcase classname="rollcheck.scenario" name="2. rollout restart" time="\d+\.\d{3}">\s*<system-out>/);
  // Each phase once, however often the steps marked it.
  assert.equal((xml.match(/classname="rollcheck.rollout" name="scenario"/g) ?? []).length, 1);
  assert.match(xml, /<testcase classname="rollcheck.scenario" name="3. a failing command" time="\d+\.\d{3}">\s*<failure type="step-failed" message="[^"]*exit/);
});

test('output flags: every run command and report has them (report without the live metrics)', async () => {
  for (const cmd of ['load', 'local', 'run', 'demo', 'scenario', 'report']) {
    const io = createTestIo();
    await runCli([cmd, '--help'], io);
    for (const flag of ['--junit', '--summary-md', '--baseline-results', '--max-regression']) assert.ok(io.out().includes(flag), `${cmd} ${flag}`);
    for (const flag of ['--metrics-port', '--metrics-linger']) assert.equal(io.out().includes(flag), cmd !== 'report', `${cmd} ${flag}`);
  }
});

test('output flags: mistakes are one-line usage errors before any traffic', async (t) => {
  const dir = tempDir(t);
  for (const [args, message] of [
    [['--max-regression', 'errors=0'], /--max-regression needs --baseline-results FILE/],
    [['--baseline-results', 'nope.json'], /nope\.json: no such file/],
    [['--metrics-port', 'ninety'], /--metrics-port: cannot read "ninety"/],
    [['--metrics-linger', '5s'], /--metrics-linger needs --metrics-port PORT/],
    [['--junit', 'missing/junit.xml'], /--junit: folder .*missing does not exist/],
  ] as const) {
    const io = createTestIo({ cwd: dir });
    assert.equal(await runCli(['load', 'http://127.0.0.1:9/', '-d', '1s', '-o', 'x.json', ...args], io), 2, args.join(' '));
    assert.match(io.err(), message);
    assert.equal(io.err().trim().split('\n').length, 1, io.err());
  }
});
