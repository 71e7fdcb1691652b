// test-lane: slow: the kube sandbox as a process, with real pods
// `npm run kube-sandbox` as a user runs it: it prints the Service URL and the
// kubeconfig once ready, serves until SIGINT/SIGTERM, then leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./sandbox.ts', import.meta.url));
// Run from the test tree (JavaScript), the sandbox's own .js loads without tsx compiling it and src/ (~1 s of CPU a start).
const BUILT = fileURLToPath(new URL('./sandbox.js', import.meta.url));
/** sandboxArgv starts the sandbox with `args`: through tsx from its .ts as `npm run kube-sandbox` does when `asUser`, else from the tree's .js when there is one. */
const sandboxArgv = (args: string[], asUser = false): string[] =>
  !asUser && import.meta.url.endsWith('.js') && existsSync(BUILT) ? [BUILT, ...args] : ['--import', 'tsx', SCRIPT, ...args];
const fetchStatus = (url: string) =>
  new Promise<number>((resolve) => {
    const req = get(url, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', () => resolve(0));
  });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`kube-sandbox prints service and kubeconfig when ready, serves, and on ${signal} stops every pod and removes its files`, { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcheck-sandbox-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const kubeconfig = join(dir, 'kc');
    // Its own temp dir, so that what it leaves behind is easy to see.
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    // SIGINT as a user stops `npm run kube-sandbox` (through tsx); SIGTERM on the tree's JavaScript.
    const child = spawn(process.execPath, sandboxArgv(['--kubeconfig', kubeconfig, '--replicas', '1', '--grace-period', '2s'], signal === 'SIGINT'), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    t.after(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 600 && !/kubeconfig: /.test(out); i += 1) await new Promise((r) => setTimeout(r, 50));
    const service = /^service: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1];
    assert.ok(service, out);
    assert.match(out, new RegExp(`^kubeconfig: ${kubeconfig}$`, 'm'));
    assert.ok(existsSync(kubeconfig));
    assert.equal(await fetchStatus(service), 200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    assert.equal(await exited, 0);
    assert.ok(!existsSync(kubeconfig), 'the kubeconfig is removed');
    assert.equal(await fetchStatus(service), 0, 'the Service proxy is gone');
    // tsx keeps its compile cache there (tsx-<uid>); everything of the sandbox's own is gone.
    assert.deepEqual(readdirSync(tmp).filter((f) => !f.startsWith('tsx-')), [], 'pod logs and every temp file removed');
  });
}

test('kube-sandbox: a bad flag is one line and exit 2', () => {
  for (const [args, want] of [
    [[], /--kubeconfig FILE is required/],
    [['--kubeconfig', '/tmp/x', '--entrypoint', 'bash'], /--entrypoint: "bash" is not one of shell, exec, tini/],
    [['--kubeconfig', '/tmp/x', '--sidecar', 'envoy'], /--sidecar: "envoy" is not a known sidecar/],
    [['--kubeconfig', '/tmp/x', '--grace-period', 'soon'], /--grace-period/],
  ] as Array<[string[], RegExp]>) {
    const r = spawnSync(process.execPath, sandboxArgv(args), { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, want);
  }
});

test('kube-sandbox --help: what it serves, every flag, an example with kubectl; exit 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = spawnSync(process.execPath, sandboxArgv([flag]), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Usage: npm run kube-sandbox -- --kubeconfig FILE \[options\]\n/);
    assert.match(r.stdout, /Deployment and Service `demo`[\s\S]*PodDisruptionBudgets and pods\/eviction[\s\S]*Jobs and Secrets/);
    assert.match(r.stdout, /\n {2}kubectl --kubeconfig \/tmp\/sandbox\.kubeconfig get [^\n]+\n {2}rollcheck run --kubeconfig \/tmp\/sandbox\.kubeconfig --deployment demo --url /);
  }
  // Every flag the one-line usage names (the flags parseArgs accepts) is in the help.
  const bad = spawnSync(process.execPath, sandboxArgv(['--no-such-flag']), { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  const flags = [...new Set(bad.stderr.slice(bad.stderr.indexOf('usage')).match(/--[a-z][a-z-]+/g) ?? [])];
  assert.ok(flags.length >= 14, flags.join(' '));
  const help = spawnSync(process.execPath, sandboxArgv(['--help']), { encoding: 'utf8' }).stdout;
  for (const f of flags) assert.match(help, new RegExp(`(\\n {2}|, )${f} `), `${f} in --help`);
});
