// test-lane: slow: containers (podman)
// test-group: podman: one podman on the machine; two files' containers at once disturbed each other's timing (a preStop-exec check failed at 5 jobs)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainerRuntime, LABEL_OWNER } from '../../../src/cluster/local/runtime-podman.js';
import {
  CONTAINERS_CONF_TEXT,
  prepareContainersConf,
} from '../../../src/cluster/local/runtime-container-conf.js';
import {
  explainRunFailure,
  parseImageInspect,
} from '../../../src/cluster/local/runtime-container-check.js';
import { findExecutable, firstLine } from '../../../src/cluster/local/runtime-container-cli.js';
import { parseIsoNanos } from '../../../src/cluster/local/runtime-container-pod.js';
import { runCli } from '../../../src/cli/program.js';
import { isUsageError } from '../../../src/errors.js';
import { createTestIo } from '../../helpers.js';
import { createTestImages, listLeftovers, podmanSkipReason } from '../../containers/images.js';
import type { TestImages } from '../../containers/images.js';

const skip = podmanSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'rollcheck-podman-errors-'));
let images: TestImages;
let crashImage = '';

before(() => {
  if (skip) return;
  images = createTestImages('rterrors');
  crashImage = images.busybox('crash', {
    cmd: ['/bin/sh', '-c', 'echo "fatal: DATABASE_URL is not set" >&2; exit 1'],
  });
});

after(() => {
  if (!skip) images.removeAll();
  rmSync(dir, { recursive: true, force: true });
});

test("containers.conf: generated when the user has none, the user's own wins, opt-out leaves it unset", () => {
  const generated = prepareContainersConf({
    env: { PATH: process.env.PATH },
    dir: join(dir, 'gen'),
  });
  assert.equal(generated.generated, true);
  assert.equal(generated.env.CONTAINERS_CONF, join(dir, 'gen', 'containers.conf'));
  const text = readFileSync(generated.env.CONTAINERS_CONF, 'utf8');
  assert.match(text, /default_ulimits = \[\]/);
  assert.match(text, /cgroup_manager = "cgroupfs"/);
  assert.equal(
    text.includes('runtime = "runc"'),
    findExecutable('runc', process.env.PATH) !== null,
  );
  const own = prepareContainersConf({
    env: { CONTAINERS_CONF: '/etc/mine.conf' },
    dir: join(dir, 'own'),
  });
  assert.deepEqual(
    [own.generated, own.confPath, own.env.CONTAINERS_CONF],
    [false, '/etc/mine.conf', '/etc/mine.conf'],
  );
  const none = prepareContainersConf({
    env: { ROLLCHECK_CONTAINERS_CONF: 'none' },
    dir: join(dir, 'none'),
  });
  assert.equal(none.env.CONTAINERS_CONF, undefined);
  assert.ok(CONTAINERS_CONF_TEXT.includes('[engine]'));
});

test('engine output is read into one line: podman "Error:", logrus msg=, image inspect, nanosecond times', () => {
  assert.equal(
    firstLine('Getting image\nError: something broke: invalid argument\n'),
    'something broke: invalid argument',
  );
  assert.equal(
    firstLine('time="x" level=error msg="reading system config \\"/a\\": bad toml"\n'),
    'reading system config "/a": bad toml',
  );
  const rlimit = explainRunFailure(
    'podman',
    'img',
    'Error: runc: runc create failed: error setting rlimits for ready process: operation not permitted: OCI permission denied',
  );
  assert.match(rlimit.error.message, /CONTAINERS_CONF.*default_ulimits = \[\].*cgroupfs/);
  assert.equal(rlimit.retryPort, false);
  assert.equal(
    explainRunFailure('docker', 'img', 'Error: bind: address already in use').retryPort,
    true,
  );
  assert.match(
    explainRunFailure('podman', 'img', 'Error: crun: executable file not found in $PATH').error
      .message,
    /fix ENTRYPOINT\/CMD/,
  );
  assert.deepEqual(
    parseImageInspect(
      '[\n {\n  "Id": "abc",\n  "Config": {"ExposedPorts": {"8080/tcp": {}, "9090/tcp": {}}}\n }\n]\n',
    ),
    {
      id: 'abc',
      exposedPorts: ['8080/tcp', '9090/tcp'],
    },
  );
  assert.deepEqual(parseImageInspect('not json'), { id: '', exposedPorts: [] });
  assert.equal(
    parseIsoNanos('2026-11-25T23:50:56.422937557Z'),
    Date.UTC(2026, 10, 25, 23, 50, 56) + 422.937557,
  );
  assert.equal(parseIsoNanos('2026-11-25T23:50:56Z'), Date.UTC(2026, 10, 25, 23, 50, 56));
});

test(
  'podman that cannot run (broken containers.conf): one line naming the CONTAINERS_CONF fix',
  { skip },
  async () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, '[engine\nbroken');
    const rt = createContainerRuntime({
      engine: 'podman',
      image: 'x',
      runId: 'x',
      env: { PATH: process.env.PATH, CONTAINERS_CONF: bad },
    });
    await assert.rejects(rt.check(), (e: unknown) => {
      if (!isUsageError(e)) return false;
      assert.match(
        e.message,
        /^--runtime podman: podman cannot run \(.*bad\.conf.*\); .*CONTAINERS_CONF/,
      );
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  },
);

test('--runtime docker: missing binary or missing engine is one line, exit 2', async () => {
  const io = createTestIo({ cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  const code = await runCli(
    [
      'local',
      '--runtime',
      'docker',
      '--image',
      'web:1',
      '--no-dashboard',
      '-o',
      join(dir, 'd.json'),
    ],
    io,
  );
  assert.equal(code, 2);
  const want = findExecutable('docker', process.env.PATH)
    ? /^rollcheck: --runtime docker: docker is installed but its engine is not reachable \(.+\); start the Docker daemon/
    : /^rollcheck: --runtime docker: docker is not installed/;
  assert.match(io.err(), want);
  assert.equal(io.err().trim().split('\n').length, 1);
  const none = createTestIo({ cwd: dir, env: { PATH: '/nonexistent' } });
  assert.equal(
    await runCli(
      [
        'local',
        '--runtime',
        'docker',
        '--image',
        'web:1',
        '--no-dashboard',
        '-o',
        join(dir, 'd.json'),
      ],
      none,
    ),
    2,
  );
  assert.match(
    none.err(),
    /^rollcheck: --runtime docker: docker is not installed \(not on PATH\); install Docker, or use --runtime process\n$/,
  );
});

test(
  'rollcheck local with a container that exits at start: one line with its last log line, exit 2, nothing left',
  { skip },
  async () => {
    const io = createTestIo({ cwd: dir, env: images.env });
    const args = [
      'local',
      '--runtime',
      'podman',
      '--image',
      crashImage,
      '--replicas',
      '1',
      '--no-dashboard',
      '-o',
      join(dir, 'c.json'),
    ];
    assert.equal(await runCli(args, io), 2, io.err());
    assert.match(io.err(), /^rollcheck: .*fatal: DATABASE_URL is not set/);
    assert.equal(io.err().trim().split('\n').length, 1);
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);

test(
  'rollcheck local with an image that is not there, or a port it does not expose: exit 2 before anything starts',
  { skip },
  async () => {
    const missing = createTestIo({ cwd: dir, env: images.env });
    const image = `localhost/${images.prefix}-absent:test`;
    assert.equal(
      await runCli(
        [
          'local',
          '--runtime',
          'podman',
          '--image',
          image,
          '--no-dashboard',
          '-o',
          join(dir, 'm.json'),
        ],
        missing,
      ),
      2,
    );
    assert.match(
      missing.err(),
      new RegExp(
        `^rollcheck: --image: image "${image}" is not on this machine .*; build or pull it first`,
      ),
    );
    const port = createTestIo({ cwd: dir, env: images.env });
    assert.equal(
      await runCli(
        [
          'local',
          '--runtime',
          'podman',
          '--image',
          crashImage,
          '--port',
          '3000',
          '--no-dashboard',
          '-o',
          join(dir, 'p.json'),
        ],
        port,
      ),
      2,
    );
    assert.match(
      port.err(),
      /^rollcheck: --port: image ".*" exposes 8080\/tcp, not 3000; use --port 8080/,
    );
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);
