// test-lane: slow: two real rollouts on the kube sandbox, run by the CI examples' own commands
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalBackedCluster } from '../kube-api-server/local-backing.js';
import type { LocalRuntimeSettings } from '../../src/cluster/local/index.js';
import { loadResults } from '../../src/results/io.js';
import { skipUnless, skipUnlessBuilt } from '../tools.js';
import { validateJunitFile } from '../report/junit-schema.js';
import { judgeExit } from '../helpers/traffic-command.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const skip = skipUnlessBuilt() || skipUnless('xmllint');

// Steps the sandbox stands in for: the install (rollcheck is on PATH from this checkout) and the kubeconfig secret.
const STAND_INS = new Set(['install rollcheck', 'kubeconfig']);

interface Sandbox {
  kubeconfig: string;
  url: string;
}

async function sandbox(t: { after(fn: () => unknown): void }, dir: string, settings: Partial<LocalRuntimeSettings>): Promise<Sandbox> {
  const cluster = await startLocalBackedCluster(settings);
  t.after(() => cluster.close());
  return { kubeconfig: cluster.server.writeKubeconfig(dir), url: cluster.proxyUrl };
}

function bash(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

function baseEnv(home: string, s: Sandbox): Record<string, string> {
  // The examples' own variables, pointed at the sandbox; nothing else of this process leaks in.
  return { PATH: `${join(ROOT, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, CI: 'true', KUBECONFIG: s.kubeconfig, DEPLOYMENT: 'demo', NAMESPACE: 'default', ROLLCHECK_URL: s.url };
}

test('CI examples: the GitLab job passes a good rollout; the GitHub workflow fails a shell-entrypoint one against that baseline, with JUnit, job summary and annotations', { timeout: 300_000, skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-ci-examples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // GitLab: the job's before_script installs rollcheck (stood in for); its script lines run in one shell, stopping at the first failure.
  const gitlab = parse(readFileSync(join(ROOT, 'manifests', 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; script: string[]; artifacts: { reports: { junit: string } } }>;
  const job = gitlab['rollout-check'];
  assert.ok(job);
  const good = await sandbox(t, dir, { app: { kind: 'demo', entrypoint: 'exec' }, graceMs: 5000, preStop: { kind: 'sleep', ms: 600 } });
  const glDir = join(dir, 'gitlab');
  mkdirSync(glDir);
  const glEnv = { ...job.variables, ...baseEnv(dir, good), GITLAB_CI: 'true', CI_PROJECT_DIR: glDir };
  const gl = await bash(['-e', '-c', job.script.join('\n')], glDir, glEnv);
  assert.ok(existsSync(join(glDir, 'reports', 'rollcheck.json')), `exit ${gl.code} and no results file:\n${gl.out}`);
  const passed = loadResults(join(glDir, 'reports', 'rollcheck.json'));
  // Exit 3 only when the generator fell behind on two busy cores (the job then stops, as it should).
  judgeExit(gl.code, passed, [0], gl.out);
  const junit = join(glDir, job.artifacts.reports.junit);
  const v = validateJunitFile(junit);
  assert.ok(v.ok, v.output);
  assert.equal(passed.totals.failed, 0);
  assert.equal(passed.meta.mode, 'kube');

  // GitHub: the workflow's run steps with bash -eo pipefail, as a runner does, the last GitLab run as the baseline.
  const workflow = parse(readFileSync(join(ROOT, 'manifests', 'ci', 'github-actions.yml'), 'utf8')) as { jobs: Record<string, { env: Record<string, string>; steps: Array<{ name?: string; run?: string }> }> };
  const gh = workflow.jobs.rollcheck;
  assert.ok(gh);
  const bad = await sandbox(t, dir, { app: { kind: 'demo', entrypoint: 'shell' }, graceMs: 2000 });
  const ghDir = join(dir, 'github');
  mkdirSync(join(ghDir, 'ci'), { recursive: true });
  copyFileSync(join(glDir, 'reports', 'rollcheck.json'), join(ghDir, gh.env.ROLLCHECK_BASELINE ?? ''));
  const summary = join(dir, 'step-summary.md');
  writeFileSync(summary, '');
  const ghEnv = { ...gh.env, ...baseEnv(dir, bad), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: ghDir, RUNNER_TEMP: dir };
  const steps = gh.steps.filter((s) => s.run !== undefined && !STAND_INS.has(s.name ?? ''));
  assert.deepEqual(steps.map((s) => s.name), ['rollcheck']);
  const run = await bash(['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps[0]?.run ?? ''], ghDir, ghEnv);
  assert.equal(run.code, 1, run.out);
  assert.match(run.out, /^::error title=sigterm-ignored::/m);
  // sigterm-ignored is new against the baseline; the SIGKILLs may or may not catch a request in flight.
  assert.match(run.out, /^::error title=regression::new finding sigterm-ignored, not in the baseline \(--max-regression findings=0\)$/m);
  const failed = loadResults(join(ghDir, 'reports', 'rollcheck.json')).totals.failed;
  const md = readFileSync(summary, 'utf8');
  assert.match(md, /^### ❌ rollcheck run: FAIL$/m);
  assert.match(md, /^\| findings \| 0 \| 1 \| 0 \| ❌ regressed \|$/m);
  assert.match(md, new RegExp(`^\\| errors \\| 0 \\| ${failed} \\| 0 \\| ${failed > 0 ? '❌ regressed' : '✅'} \\|$`, 'm'));
  const gv = validateJunitFile(join(ghDir, 'reports', 'rollcheck.xml'));
  assert.ok(gv.ok, gv.output);
  assert.match(readFileSync(join(ghDir, 'reports', 'rollcheck.xml'), 'utf8'), /classname="rollcheck.baseline" name="findings" time="0.000">\s*<failure type="regression"/);
});
