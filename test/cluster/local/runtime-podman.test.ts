// test-lane: slow: containers (podman)
// test-group: podman: one podman on the machine; two files' containers at once disturbed each other's timing (a preStop-exec check failed at 5 jobs)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createContainerRuntime,
  LABEL_OWNER,
  LABEL_RUN,
} from '../../../src/cluster/local/runtime-podman.js';
import type { ContainerRuntime } from '../../../src/cluster/local/runtime-podman.js';
import type { PodSpec } from '../../../src/cluster/local/pod-runtime.js';
import { isUsageError } from '../../../src/errors.js';
import { createTestImages, listLeftovers, podmanSkipReason } from '../../containers/images.js';
import type { TestImages } from '../../containers/images.js';

const skip = podmanSkipReason();
let images: TestImages;
let httpdImage = '';
let shellImage = '';
let crashImage = '';
const runtimes: ContainerRuntime[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rollcheck-rt-podman-'));

before(() => {
  if (skip) return;
  images = createTestImages('rtpodman');
  httpdImage = images.busybox('httpd');
  // A shell wrapper as PID 1 without exec: SIGTERM is ignored, as in the seed's mistake.
  shellImage = images.busybox('shell', {
    cmd: ['/bin/sh', '/run.sh'],
    files: {
      '/run.sh':
        '#!/bin/sh\necho "wrapper starting $POD_NAME on $PORT"\n/bin/httpd -f -p "$PORT" -h /www\necho never\n',
    },
  });
  crashImage = images.busybox('crash', {
    cmd: ['/bin/sh', '-c', 'echo "config missing: DATABASE_URL"; exit 3'],
  });
});

after(async () => {
  if (!skip) {
    for (const rt of runtimes) await rt.cleanupAll();
    images.removeAll();
  }
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function runtime(
  image: string,
  extra: Partial<Parameters<typeof createContainerRuntime>[0]> = {},
): ContainerRuntime {
  seq += 1;
  const rt = createContainerRuntime({
    engine: 'podman',
    image,
    runId: `${images.prefix}-r${seq}`,
    env: images.env,
    runDir: join(dir, `run${seq}`),
    ...extra,
  });
  runtimes.push(rt);
  return rt;
}
function spec(name: string, revision = 'rev1'): PodSpec {
  return {
    name,
    revision,
    hostIp: '127.0.0.1',
    env: { GREETING: 'hi' },
    logPath: join(dir, `${name}.log`),
  };
}

test(
  'an httpd container answers on its published 127.0.0.1 port and exits 137 after SIGTERM is ignored then SIGKILL',
  { skip },
  async () => {
    const rt = runtime(httpdImage);
    await rt.check();
    const pod = await rt.start(spec('web-a'));
    assert.equal(pod.address.host, '127.0.0.1');
    assert.ok(pod.pid && pod.pid > 1, 'host PID of the container PID 1');
    const body = await fetchWithRetry(`http://127.0.0.1:${pod.address.port}/`);
    assert.match(body, /hello from busybox/);
    // busybox httpd as PID 1 installs no SIGTERM handler: the kernel drops the signal.
    pod.signal('SIGTERM');
    const early = await Promise.race([
      pod.exited.then(() => 'exited'),
      sleep(1500).then(() => 'running'),
    ]);
    assert.equal(early, 'running');
    pod.signal('SIGKILL');
    const exit = await pod.exited;
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 'SIGKILL');
    assert.deepEqual(
      listLeftovers(images.env, `${LABEL_RUN}=${images.prefix}-r${seq}`),
      [],
      'container removed after it exited',
    );
  },
);

test(
  'a shell-wrapper entrypoint gets POD_NAME/PORT, logs to the pod log, and a preStop exec runs inside',
  { skip },
  async () => {
    const rt = runtime(shellImage);
    const pod = await rt.start(spec('web-b'));
    await fetchWithRetry(`http://127.0.0.1:${pod.address.port}/`);
    const execPreStop = pod.execPreStop?.bind(pod);
    if (!execPreStop) throw new Error('a container pod can exec a preStop hook');
    const ok = await execPreStop(
      'test "$(hostname)" = web-b && echo prestop-ran > /tmp/mark',
      new AbortController().signal,
    );
    assert.deepEqual(ok, { ok: true });
    const bad = await execPreStop('exit 4', new AbortController().signal);
    assert.equal(bad.ok, false);
    assert.match(bad.error ?? '', /exit code 4/);
    const aborter = new AbortController();
    const pending = execPreStop('sleep 30', aborter.signal);
    setTimeout(() => aborter.abort(), 300);
    const aborted = await pending;
    assert.equal(aborted.ok, false);
    assert.match(aborted.error ?? '', /abort/);
    pod.signal('SIGTERM');
    pod.signal('SIGKILL');
    const exit = await pod.exited;
    assert.equal(exit.exitCode, 137);
    assert.match(await readLog('web-b', /wrapper/), /wrapper starting web-b on 8080/);
  },
);

test(
  'a container that exits by itself reports its own exit code, and its output is in the log',
  { skip },
  async () => {
    const rt = runtime(crashImage);
    const pod = await rt.start(spec('web-c'));
    const exit = await pod.exited;
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.signal, null);
    assert.match(readFileSync(join(dir, 'web-c.log'), 'utf8'), /config missing: DATABASE_URL/);
  },
);

test('the rollout image: pods of a later revision run --image-new', { skip }, async () => {
  const rt = runtime(httpdImage, { imageNew: shellImage });
  const a = await rt.start(spec('web-d1', 'old'));
  const b = await rt.start(spec('web-d2', 'new'));
  await fetchWithRetry(`http://127.0.0.1:${b.address.port}/`);
  assert.match(await readLog('web-d2', /wrapper/), /wrapper starting web-d2/);
  assert.doesNotMatch(readFileSync(join(dir, 'web-d1.log'), 'utf8'), /wrapper/);
  await rt.cleanupAll();
  assert.equal((await a.exited).exitCode !== 0, true);
  assert.deepEqual(listLeftovers(images.env, `${LABEL_RUN}=${images.prefix}-r${seq}`), []);
});

test(
  'bad input is one UsageError line: missing image, port not exposed, docker without an engine',
  { skip },
  async () => {
    await assert.rejects(runtime(`localhost/${images.prefix}-nope:test`).check(), (e: unknown) => {
      if (!isUsageError(e)) return false;
      assert.match(e.message, /is not on this machine.*build or pull it first/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    await assert.rejects(
      runtime(httpdImage, { containerPort: 9999 }).check(),
      /exposes 8080\/tcp, not 9999; use --port 8080/,
    );
    const noDocker = () =>
      createContainerRuntime({
        engine: 'docker',
        image: 'x',
        runId: 'x',
        env: { PATH: '/nonexistent' },
        runDir: join(dir, 'nd'),
      });
    assert.throws(noDocker, /docker is not installed/);
  },
);

test('cleanupAll removes running containers of the run, and is idempotent', { skip }, async () => {
  const rt = runtime(shellImage);
  await rt.start(spec('web-e1'));
  await rt.start(spec('web-e2'));
  const label = `${LABEL_RUN}=${images.prefix}-r${seq}`;
  assert.equal(listLeftovers(images.env, label).length, 2);
  await rt.cleanupAll();
  await rt.cleanupAll();
  assert.deepEqual(listLeftovers(images.env, label), []);
});

/** readLog waits (bounded) until the pod's log file shows `want`: the engine's log follower lags a little. */
async function readLog(name: string, want: RegExp): Promise<string> {
  let text = '';
  for (let i = 0; i < 50; i++) {
    try {
      text = readFileSync(join(dir, `${name}.log`), 'utf8');
    } catch {
      text = '';
    }
    if (want.test(text)) break;
    await sleep(100);
  }
  return text;
}

test(
  'containers left by a rollcheck that died (owner PID gone) are swept at the next check; live owners are left alone',
  { skip },
  async () => {
    const dead = spawnSync('true').pid ?? 999_999;
    const orphan = `${images.prefix}-orphan`;
    const alive = `${images.prefix}-alive`;
    images.podman(['run', '-d', '--name', orphan, '--label', `${LABEL_OWNER}=${dead}`, httpdImage]);
    images.podman([
      'run',
      '-d',
      '--name',
      alive,
      '--label',
      `${LABEL_OWNER}=${process.pid}`,
      httpdImage,
    ]);
    await runtime(httpdImage).check();
    const names = images.podman(['ps', '-a', '--format', '{{.Names}}']).split('\n');
    assert.ok(!names.includes(orphan), 'the orphan was removed');
    assert.ok(names.includes(alive), 'a container of a live rollcheck stays');
    images.podman(['rm', '-f', '-t', '0', alive]);
  },
);

test(
  'a rollcheck process that exits without cleaning up still removes its containers on the way out',
  { skip },
  async () => {
    const runId = `${images.prefix}-crash`;
    const fixture = join(import.meta.dirname, '../../containers/exit-without-cleanup.ts');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fixture, httpdImage, runId, join(dir, 'crash.log')],
      {
        env: images.env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(child.status, 7, child.stderr);
    assert.match(child.stdout, /started/);
    assert.deepEqual(listLeftovers(images.env, `${LABEL_RUN}=${runId}`), []);
  },
);

async function fetchWithRetry(url: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return await res.text();
    } catch (e) {
      if (i >= 40) throw e;
      await sleep(100);
    }
  }
}
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
