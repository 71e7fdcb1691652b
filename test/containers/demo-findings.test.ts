// test-lane: slow: containers (podman)
// test-group: podman: one podman on the machine; two files' containers at once disturbed each other's timing (a preStop-exec check failed at 5 jobs)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { analyze } from '../../src/analysis/index.js';
import { loadResults } from '../../src/results/io.js';
import type { Analysis } from '../../src/results/types.js';
import { LABEL_OWNER } from '../../src/cluster/local/runtime-podman.js';
import { createTestIo } from '../helpers.js';
import { createTestImages, listLeftovers, podmanSkipReason } from './images.js';
import type { TestImages } from './images.js';

// The demo app's shell and exec entrypoints as real containers give the same
// findings as the process runtime's PID namespaces: the shell as PID 1 ignores
// SIGTERM (sigterm-ignored, exit 137 at the grace period); exec does not.
const skip = podmanSkipReason();
let images: TestImages;
let shellImage = '';
let execImage = '';

before(() => {
  if (skip) return;
  images = createTestImages('findings');
  shellImage = images.demo('shell', ['/app/entrypoint-shell.sh']);
  execImage = images.demo('exec', ['/app/entrypoint-exec.sh']);
});

after(() => {
  if (skip) return;
  images.removeAll();
});

const COMMON = [
  '--replicas',
  '2',
  '--grace-period',
  '2s',
  '--max-surge',
  '1',
  '--max-unavailable',
  '0',
  '--endpoint-delay',
  '300ms',
];
const TRAFFIC = [
  '--rate',
  '40',
  '--connections',
  '4',
  '--warmup',
  '500ms',
  '--baseline',
  '500ms',
  '--cooldown',
  '500ms',
  '--no-dashboard',
];

async function localRun(name: string, runtime: string[]): Promise<Analysis> {
  const out = join(images.dir, `${name}.json`);
  const io = createTestIo({ cwd: images.dir, env: images.env });
  const code = await runCli(['local', ...runtime, ...COMMON, ...TRAFFIC, '-o', out], io);
  assert.ok(code === 0 || code === 1, `${name}: exit ${code}\n${io.err()}`);
  const results = loadResults(out);
  return results.analysis ?? analyze(results, { maxErrors: 0 });
}

const ids = (a: Analysis): string[] => a.findings.map((f) => f.id).sort();

test(
  'shell entrypoint: container and process runtimes both find sigterm-ignored; exec as a container does not',
  { skip },
  async () => {
    const container = await localRun('container-shell', [
      '--runtime',
      'podman',
      '--image',
      shellImage,
    ]);
    const processRun = await localRun('process-shell', [
      '--runtime',
      'process',
      '--entrypoint',
      'shell',
    ]);
    assert.ok(
      ids(container).includes('sigterm-ignored'),
      `container findings: ${ids(container).join(', ')}`,
    );
    assert.ok(
      ids(processRun).includes('sigterm-ignored'),
      `process findings: ${ids(processRun).join(', ')}`,
    );
    const execContainer = await localRun('container-exec', [
      '--runtime',
      'podman',
      '--image',
      execImage,
    ]);
    assert.ok(
      !ids(execContainer).includes('sigterm-ignored'),
      `exec container findings: ${ids(execContainer).join(', ')}`,
    );
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);
