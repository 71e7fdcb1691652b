// test-lane: slow: real scenario runs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { kubeconfigText } from '../kube-api-server/server.js';
import { loadResults } from '../../src/results/io.js';

const dir = mkdtempSync(join(tmpdir(), 'rollcheck-scenario-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const BEFORE = new Set(childrenOf(process.pid));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** newChildren lists child processes of this test that were not there at its start (pods must be gone). */
function newChildren(): string[] {
  return childrenOf(process.pid).filter((c) => !BEFORE.has(c));
}

/** processesRunning lists PIDs whose command line contains `text`. */
function processesRunning(text: string): string[] {
  return readdirSync('/proc').filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
    } catch {
      return false;
    }
  });
}

/** childrenOf lists live processes whose parent is `pid` (tsx's esbuild service is one). */
function childrenOf(pid: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z')
        out.push(`${entry} ${stat.slice(0, stat.lastIndexOf(')') + 1)}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('scenario --help lists the steps and examples', async () => {
  const io = createTestIo();
  assert.equal(await runCli(['scenario', '--help'], io), 0);
  assert.match(io.out(), /kill-pod: oldest/);
  assert.match(io.out(), /\$ rollcheck scenario manifests\/scenarios\/rollout-under-load\.yaml/);
  assert.match(io.out(), /--dry-run/);
});

test('--dry-run prints the plan, checks the runtime and starts nothing', async () => {
  const io = createTestIo({
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH ?? '' },
  });
  const code = await runCli(
    ['scenario', 'manifests/scenarios/pod-kill-short-grace.yaml', '--dry-run'],
    io,
  );
  assert.equal(code, 0, io.err());
  assert.match(
    io.out(),
    /scenario "pod kill with a short grace period" \(manifests\/scenarios\/pod-kill-short-grace\.yaml\)/,
  );
  assert.match(io.out(), /2\.\s+\+5s\s+delete the oldest pod, 100ms grace/);
  assert.match(io.out(), /checks: ok/);
  assert.match(io.out(), /nothing was started/);
});

test('bad input is one line and exit 2: missing file, bad YAML, unknown step', async () => {
  const cases: Array<[string, RegExp]> = [
    [
      join(dir, 'nope.yaml'),
      /^rollcheck: cannot read scenario file .*nope\.yaml \(ENOENT\); check the path\n$/,
    ],
    [
      write('bad.yaml', 'target:\n  local: {app: demo\n'),
      /^rollcheck: bad\.yaml:\d+: not valid YAML/,
    ],
    [
      write('unknown.yaml', 'target: {local: {}}\nsteps:\n  - wait: 1s\n  - explode: now\n'),
      /^rollcheck: unknown\.yaml:4: steps\[1\]\.explode: unknown field "explode"/,
    ],
  ];
  for (const [file, want] of cases) {
    const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(await runCli(['scenario', file, '--dry-run'], io), 2);
    assert.match(io.err(), want);
    assert.equal(io.err().trim().split('\n').length, 1);
  }
});

test('--dry-run of a kube target loads the kubeconfig without contacting the cluster; an unknown context is exit 2', async () => {
  const kubeconfig = write(
    'kubeconfig',
    kubeconfigText('https://127.0.0.1:9', '', 'secret-token', 'shop', 'staging'),
  );
  const scenario = (context: string): string =>
    write(
      `kube-${context}.yaml`,
      `target:\n  kube: {deployment: web, url: "http://127.0.0.1:9/", kubeconfig: ${kubeconfig}, context: ${context}}\nsteps:\n  - rollout: restart\n  - kill-pod: random\n`,
    );
  const io = createTestIo({ cwd: dir, env: { HOME: dir } });
  assert.equal(await runCli(['scenario', scenario('staging'), '--dry-run'], io), 0, io.err());
  assert.match(io.out(), /target: +kube deployment\/web, context staging/);
  assert.match(
    io.out(),
    /checks: ok \(kubeconfig .* has context staging, namespace shop, server https:\/\/127\.0\.0\.1:9; the cluster itself is not contacted\)/,
  );
  assert.doesNotMatch(io.out(), /secret-token/);
  const bad = createTestIo({ cwd: dir, env: { HOME: dir } });
  assert.equal(await runCli(['scenario', scenario('prod'), '--dry-run'], bad), 2);
  assert.match(bad.err(), /^rollcheck: .*prod/);
  assert.equal(bad.err().trim().split('\n').length, 1);
});

test('a step for a pod that does not exist: one line, exit 2, no pod left running', async () => {
  const file = write(
    'ghost.yaml',
    `target:
  local: {app: demo, entrypoint: exec, replicas: 1, grace-period: 2s, endpoint-delay: 100ms}
traffic: {rate: 20, connections: 2, warmup: 500ms}
steps:
  - wait: 300ms
  - kill-pod: {name: demo-does-not-exist}
`,
  );
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  const code = await runCli(
    ['scenario', file, '--no-dashboard', '-o', join(dir, 'ghost.json')],
    io,
  );
  assert.equal(code, 2, io.err());
  assert.match(
    io.err(),
    /^rollcheck: step 2 \(kill-pod demo-does-not-exist, ghost\.yaml:6\): cannot kill pod demo-does-not-exist: no such running pod \(running: demo-\w+-\w+\)\n$/,
  );
  assert.deepEqual(newChildren(), []);
});

test('a real scenario run: steps as events, per-step verdicts in the results, cmd output in its log', async () => {
  const file = write(
    'game.yaml',
    `name: short game day
target:
  local: {app: demo, entrypoint: exec, replicas: 2, grace-period: 3s, prestop-sleep: 300ms, endpoint-delay: 100ms, max-surge: 1, max-unavailable: 0}
traffic: {rate: 40, connections: 2, warmup: 500ms}
thresholds: {max-errors: 1000}
steps:
  - wait: 500ms
  - rollout: restart
  - scale: 3
  - wait: 1s
  - cmd: echo "step ran in $(basename $(pwd))"
  - cmd: exit 3
    name: a failing command
  - cmd: {run: "sleep 31.25 | cat", timeout: 300ms}
    name: a hung command
cooldown: 300ms
`,
  );
  const out = join(dir, 'game.json');
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  const code = await runCli(['scenario', file, '--no-dashboard', '-o', out], io);
  assert.equal(code, 1, `a failing cmd step fails the scenario\n${io.err()}`);
  const results = loadResults(out);
  const started = results.events
    .filter((e) => e.kind === 'step-started')
    .map((e) => (e as { step: string }).step);
  assert.deepEqual(started, [
    'wait 500ms',
    'rollout restart',
    'scale to 3',
    'wait 1s',
    'cmd "echo "step ran in $(basename $(pwd))""',
    'a failing command',
    'a hung command',
  ]);
  assert.ok(results.events.some((e) => e.kind === 'rollout-complete'));
  const verdicts = results.scenario?.steps ?? [];
  assert.deepEqual(
    verdicts.map((v) => [v.step, v.ok, v.pass]),
    [
      ['rollout restart', true, true],
      ['scale to 3', true, true],
      ['cmd "echo "step ran in $(basename $(pwd))""', true, true],
      ['a failing command', false, false],
      ['a hung command', false, false],
    ],
  );
  assert.match(verdicts[4]?.error ?? '', /^timed out after 0\.3s/);
  assert.deepEqual(
    processesRunning('sleep 31.25'),
    [],
    'the whole pipeline was killed, not only sh',
  );
  assert.equal(results.scenario?.pass, false);
  const logPath = out.replace(/\.json$/, '.step-5.log');
  assert.ok(existsSync(logPath));
  assert.match(readFileSync(logPath, 'utf8'), new RegExp(`step ran in ${dir.split('/').pop()}`));
  assert.match(io.out(), /FAIL\s+6\. a failing command/);
  assert.match(io.out(), /scenario verdict: FAIL/);
  assert.deepEqual(newChildren(), []);
});
