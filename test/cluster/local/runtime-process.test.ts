// test-lane: slow: real pods as processes in namespaces
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessRuntime } from '../../../src/cluster/local/runtime-process.js';
import { demoDir } from '../../../src/cluster/local/create-pod-runtime.js';
import { pidsInGroup } from '../../../src/cluster/local/proc.js';
import type { PodHandle, PodRuntime } from '../../../src/cluster/local/pod-runtime.js';
import { processesWithEnv } from './harness.js';
import { skipUnless } from '../../tools.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let podSeq = 0;

function setup(t: { after(fn: () => Promise<void> | void): void }, argv: string[]): { runtime: PodRuntime; dir: string; start(): Promise<PodHandle & { logPath: string; name: string }> } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rt-test-'));
  const runtime = createProcessRuntime({ argv, cwd: dir, inheritEnv: process.env });
  const names: string[] = [];
  const groups: number[] = [];
  t.after(async () => {
    await runtime.cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    for (const name of names) assert.deepEqual(processesWithEnv('POD_NAME', name), [], `processes of ${name} left`);
    for (const g of groups) assert.deepEqual(pidsInGroup(g), [], `process group ${g} left`);
  });
  return {
    runtime,
    dir,
    async start() {
      podSeq += 1;
      const name = `rt-test-${process.pid}-${podSeq}`;
      names.push(name);
      const logPath = join(dir, `${name}.log`);
      const h = await runtime.start({ name, revision: 'r1', hostIp: `127.0.77.${podSeq}`, env: { DEMO_LATENCY_MS: '10' }, logPath });
      const pids = h.pids?.() ?? [];
      groups.push(...pids.slice(0, 1));
      return Object.assign(h, { logPath, name });
    },
  };
}

async function answers(h: PodHandle): Promise<string | null> {
  try {
    const res = await fetch(`http://${h.address.host}:${h.address.port}/`, { signal: AbortSignal.timeout(2000) });
    return res.headers.get('x-pod-name');
  } catch {
    return null;
  }
}

async function waitAnswering(h: PodHandle): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await answers(h)) !== null) return;
    await sleep(50);
  }
  throw new Error(`pod ${h.name} never answered`);
}

test('process runtime: the machine can make PID namespaces', async () => {
  await createProcessRuntime({ argv: ['true'], cwd: tmpdir(), inheritEnv: process.env }).check();
});

test('process runtime: PID 1 of its own namespace, with HOST, PORT and POD_NAME; preStop runs inside the pod', async (t) => {
  const s = setup(t, ['/bin/sh', '-c', 'echo "pid=$$ host=$HOST port=$PORT pod=$POD_NAME"; exec sleep 30']);
  const h = await s.start();
  await sleep(200);
  const pre = await h.execPreStop?.('echo "hook sees pid1=$(tr "\\0" " " </proc/1/cmdline)"', AbortSignal.timeout(5000));
  assert.deepEqual(pre, { ok: true });
  const log = readFileSync(h.logPath, 'utf8');
  assert.match(log, new RegExp(`pid=1 host=${h.address.host.replace(/\./g, '\\.')} port=${h.address.port} pod=${h.name}`));
  assert.match(log, /hook sees pid1=sleep 30/);
  const failing = await h.execPreStop?.('exit 3', AbortSignal.timeout(5000));
  assert.deepEqual(failing, { ok: false, error: 'preStop hook exited with code 3' });
  h.signal('SIGKILL');
  assert.equal((await h.exited).exitCode, 137);
});

test('process runtime: the shell entrypoint ignores SIGTERM (as PID 1 in a container) and dies of SIGKILL with 137', async (t) => {
  const s = setup(t, [join(demoDir(), 'entrypoint-shell.sh')]);
  const h = await s.start();
  await waitAnswering(h);
  h.signal('SIGTERM');
  await sleep(700);
  assert.equal(await answers(h), h.name, 'the app must still answer: it never heard SIGTERM');
  assert.doesNotMatch(readFileSync(h.logPath, 'utf8'), /SIGTERM/);
  const killedAt = performance.timeOrigin + performance.now();
  h.signal('SIGKILL');
  const exit = await h.exited;
  assert.deepEqual([exit.exitCode, exit.signal], [137, 'SIGKILL']);
  assert.ok(exit.epochMs >= killedAt);
});

for (const entrypoint of ['exec', 'tini'] as const) test(`process runtime: the ${entrypoint} entrypoint gets SIGTERM to the app; it drains and exits 0`, { skip: entrypoint === 'tini' && skipUnless('tini') }, async (t) => {
  const s = setup(t, [join(demoDir(), `entrypoint-${entrypoint}.sh`)]);
  const h = await s.start();
  await waitAnswering(h);
  const sentAt = performance.timeOrigin + performance.now();
  h.signal('SIGTERM');
  const exit = await h.exited;
  assert.deepEqual([exit.exitCode, exit.signal], [0, null]);
  const log = readFileSync(h.logPath, 'utf8');
  assert.match(log, /SIGTERM at epochMs=/);
  const appExit = Number(/exiting 0 at epochMs=([\d.]+)/.exec(log)?.[1]);
  // The recorded exit comes after the app's own last word, and after the signal.
  assert.ok(appExit >= sentAt && exit.epochMs >= appExit, `sent ${sentAt} app ${appExit} seen ${exit.epochMs}`);
});

test('process runtime: pods die with rollcheck even when it is SIGKILLed (no stray process)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rt-orphan-'));
  const name = `rt-orphan-${process.pid}`;
  const script = join(dir, 'parent.mts');
  const runtimeUrl = new URL('../../../src/cluster/local/runtime-process.ts', import.meta.url).href;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    script,
    `import { createProcessRuntime } from ${JSON.stringify(runtimeUrl)};
const rt = createProcessRuntime({ argv: ['/bin/sh', '-c', 'sleep 60 & exec sleep 60'], cwd: ${JSON.stringify(dir)}, inheritEnv: process.env });
const h = await rt.start({ name: ${JSON.stringify(name)}, revision: 'r', hostIp: '127.0.78.1', env: {}, logPath: ${JSON.stringify(join(dir, 'pod.log'))} });
console.log(JSON.stringify(h.pids()));
setInterval(() => {}, 1000);
`,
  );
  const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    parent.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const line = await new Promise<string>((resolve) => parent.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d)));
  const pids = JSON.parse(line) as number[];
  // unshare, the shell made PID 1 and its background child: all carry POD_NAME.
  for (let i = 0; i < 100 && processesWithEnv('POD_NAME', name).length < 3; i += 1) await sleep(20);
  assert.equal(processesWithEnv('POD_NAME', name).length, 3);
  parent.kill('SIGKILL');
  for (let i = 0; i < 100 && processesWithEnv('POD_NAME', name).length > 0; i += 1) await sleep(20);
  assert.deepEqual(processesWithEnv('POD_NAME', name), []);
  // The group's leader (unshare) exits just after its namespace empties: give it the same bounded wait.
  for (let i = 0; i < 100 && pidsInGroup(pids[0] ?? -1).length > 0; i += 1) await sleep(20);
  assert.deepEqual(pidsInGroup(pids[0] ?? -1), []);
});

test('process runtime: without setpriv/unshare on PATH, check() is a one-line usage error', async () => {
  const { isUsageError } = await import('../../../src/errors.js');
  const rt = createProcessRuntime({ argv: ['true'], cwd: tmpdir(), inheritEnv: { PATH: '/nonexistent' } });
  await assert.rejects(rt.check(), (e: unknown) => isUsageError(e) && /needs setpriv and unshare \(util-linux\); install util-linux or use --runtime podman/.test(e.message));
});

test('process runtime: as a non-root user, pods run in a user namespace; without one, check() says how to fix it', { skip: process.getuid?.() !== 0 && 'needs root to switch to an unprivileged user' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rt-nobody-'));
  const { chmodSync, writeFileSync } = await import('node:fs');
  chmodSync(dir, 0o777);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const runtimeUrl = new URL('../../../src/cluster/local/runtime-process.ts', import.meta.url).href;
  const script = join(dir, 'nobody.mts');
  writeFileSync(
    script,
    `import { createProcessRuntime } from ${JSON.stringify(runtimeUrl)};
for (const userNamespace of [undefined, false]) {
  const rt = createProcessRuntime({ argv: ['/bin/sh', '-c', 'echo "uid=$(id -u) pid=$$"; exec sleep 30'], cwd: ${JSON.stringify(dir)}, inheritEnv: process.env, userNamespace });
  try {
    await rt.check();
    const h = await rt.start({ name: 'rt-nobody-${process.pid}', revision: 'r', hostIp: '127.0.79.1', env: {}, logPath: ${JSON.stringify(join(dir, 'pod.log'))} });
    await new Promise((r) => setTimeout(r, 300));
    h.signal('SIGKILL');
    console.log(JSON.stringify({ userNamespace, exit: (await h.exited).exitCode }));
  } catch (e) {
    console.log(JSON.stringify({ userNamespace, error: e.message }));
  }
}
`,
  );
  const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', script], {
    env: { ...process.env, HOME: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise((r) => child.once('close', r));
  const [withUserNs, without] = out.trim().split('\n').map((l) => JSON.parse(l) as { exit?: number; error?: string });
  assert.equal(withUserNs?.exit, 137, out);
  assert.match(readFileSync(join(dir, 'pod.log'), 'utf8'), /uid=0 pid=1/);
  assert.match(without?.error ?? '', /^cannot create a PID namespace \(unshare: unshare failed: Operation not permitted\); run as root or allow unprivileged user namespaces/);
});
