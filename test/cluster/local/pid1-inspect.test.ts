// test-lane: slow: real processes (python3, sh)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { inspectPid1 } from '../../../src/cluster/local/pid1-inspect.js';
import { skipUnless } from '../../tools.js';

// Each process prints "ready" once it is what the test inspects (its handler set, the
// python3 behind a pyenv shim exec'd): a fixed wait is too short on a busy machine.
async function started(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not say ready within 30 s`)), 30_000);
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

test('real processes: python3 with and without a SIGTERM handler; node always catches it itself', { skip: skipUnless('python3') }, async () => {
  const withHandler = await started('python3', ['-c', 'import signal, time; signal.signal(signal.SIGTERM, lambda *a: None); print("ready", flush=True); time.sleep(10)']);
  const without = await started('python3', ['-c', 'import time; print("ready", flush=True); time.sleep(10)']);
  const node = await started(process.execPath, ['-e', 'console.log("ready"); setTimeout(() => {}, 10000)']);
  try {
    const a = inspectPid1(withHandler.pid as number);
    const b = inspectPid1(without.pid as number);
    assert.equal(a?.role, 'app');
    assert.equal(a?.sigterm, 'handled');
    assert.equal(b?.sigterm, 'default');
    assert.match(b?.exe ?? '', /python/);
    // Node installs its own SIGTERM handler (restore the terminal, re-raise): SigCgt alone proves nothing there.
    assert.equal(inspectPid1(node.pid as number)?.sigterm, 'handled');
  } finally {
    await stop(withHandler);
    await stop(without);
    await stop(node);
  }
});

test('a shell running python3 as a child: role shell, the child python3 without a handler', { skip: skipUnless('python3') }, async () => {
  const sh = await started('/bin/sh', ['-c', 'python3 -c "import time; print(\\"ready\\", flush=True); time.sleep(10)"; echo done']);
  try {
    const p = inspectPid1(sh.pid as number);
    assert.equal(p?.role, 'shell');
    assert.equal(p?.children.length, 1);
    assert.match(p?.children[0]?.argv[0] ?? '', /python3$/);
    assert.equal(p?.children[0]?.sigterm, 'default');
  } finally {
    for (const c of inspectPid1(sh.pid as number)?.children ?? []) process.kill(c.pid, 'SIGKILL');
    await stop(sh);
  }
});

test('a process that is gone: null', () => {
  assert.equal(inspectPid1(2 ** 22 + 12345), null);
});
