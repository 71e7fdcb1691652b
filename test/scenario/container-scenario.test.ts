// test-lane: serial: containers (podman) whose preStop exec must finish within the grace period: beside 5 other files a fresh-clone CI run's hook did not, and 3 of 6 runs had the generator behind
// test-group: podman: one podman on the machine; two files' containers at once disturbed each other's timing (a preStop-exec check failed at 5 jobs)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { judgeExit } from '../helpers/traffic-command.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { LABEL_OWNER } from '../../src/cluster/local/runtime-podman.js';
import { createTestIo } from '../helpers.js';
import { createTestImages, listLeftovers, podmanSkipReason } from '../containers/images.js';
import type { TestImages } from '../containers/images.js';
import { loadResults } from '../../src/results/io.js';

// A game day on real containers: the demo app image with the exec entrypoint,
// rolled to the shell-entrypoint image, then the oldest pod deleted with a
// preStop exec hook and a short grace period.
const skip = podmanSkipReason();
let images: TestImages;
let execImage = '';
let shellImage = '';

before(() => {
  if (skip) return;
  images = createTestImages('scncontainer');
  execImage = images.demo('exec', ['/app/entrypoint-exec.sh']);
  shellImage = images.demo('shell', ['/app/entrypoint-shell.sh']);
});

after(() => {
  if (skip) return;
  images.removeAll();
});

type Exited = Extract<ClusterEvent, { kind: 'exited' }>;

test(
  'container scenario: image rollout exec → shell, then a pod kill: exit 0 for drained pods, 137 for the shell pod',
  { skip },
  async () => {
    const file = join(images.dir, 'containers.yaml');
    writeFileSync(
      file,
      `name: containers
target:
  local:
    runtime: podman
    image: ${execImage}
    replicas: 1
    grace-period: 5s
    prestop-cmd: "echo prestop-ran"
    endpoint-delay: 100ms
    max-surge: 1
    max-unavailable: 0
traffic: {rate: 20, connections: 2, warmup: 500ms}
thresholds: {max-errors: 1000}
steps:
  - wait: 500ms
  - rollout: {image: ${shellImage}}
  - kill-pod: {which: oldest, grace: 2500ms}
  - wait: 3500ms
cooldown: 200ms
`,
    );
    const out = join(images.dir, 'containers.json');
    const io = createTestIo({ cwd: images.dir, env: images.env });
    const code = await runCli(['scenario', file, '--no-dashboard', '-o', out], io);
    const results = loadResults(out);
    judgeExit(code, results, [0], io.err());
    const exits = results.events.filter((e): e is Exited => e.kind === 'exited');
    const created = results.events
      .filter((e) => e.kind === 'pod-created')
      .map((e) => (e as { pod: string }).pod);
    assert.ok(
      created.length >= 3,
      `initial pod, its replacement and the kill's replacement: ${created.join(', ')}`,
    );
    // The exec pod drained after SIGTERM; the shell pod (PID 1 = sh) was SIGKILLed at the grace period.
    const first = exits.find((e) => e.pod === created[0]);
    assert.equal(first?.exitCode, 0);
    const killed = exits.find((e) => e.pod === created[1]);
    assert.equal(killed?.exitCode, 137, JSON.stringify(exits));
    // The grace period counts from the deletion, preStop included (as the kubelet counts it).
    const terminating = results.events.find(
      (e) => e.kind === 'pod-terminating' && e.pod === created[1],
    );
    const sinceDeleteMs = (killed?.atMs ?? 0) - (terminating?.atMs ?? Infinity);
    assert.ok(
      sinceDeleteMs >= 2400,
      `SIGKILL only at the end of the 2.5 s grace period (exit ${sinceDeleteMs} ms after deletion)`,
    );
    assert.ok(results.events.some((e) => e.kind === 'sigkill' && e.pod === created[1]));
    const prestops = results.events.filter((e) => e.kind === 'prestop-finished') as Array<{
      ok: boolean;
    }>;
    assert.ok(
      prestops.length >= 2 && prestops.every((p) => p.ok),
      `the preStop exec hook ran inside each container: ${JSON.stringify(prestops)}`,
    );
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);

test(
  'container scenario interrupted mid-step (Ctrl-C): exit 130 and every container removed',
  { skip },
  async () => {
    const file = join(images.dir, 'long.yaml');
    writeFileSync(
      file,
      `target:
  local: {runtime: podman, image: ${shellImage}, replicas: 2, grace-period: 30s, endpoint-delay: 100ms}
traffic: {rate: 10, connections: 1, warmup: 200ms}
steps:
  - wait: 60s
`,
    );
    const io = createTestIo({ cwd: images.dir, env: images.env });
    const running = runCli(
      ['scenario', file, '--no-dashboard', '-o', join(images.dir, 'long.json')],
      io,
    );
    // Interrupt once traffic flows (the plan has printed and the pods answer).
    for (let i = 0; i < 200 && !/baseline/.test(io.err()); i++)
      await new Promise((r) => setTimeout(r, 100));
    io.abort();
    assert.equal(await running, 130, io.err());
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);

test(
  'container scenario --dry-run checks the engine and every image a step names',
  { skip },
  async () => {
    const scenario = (next: string): string => {
      const file = join(images.dir, `dry-${next.length}.yaml`);
      writeFileSync(
        file,
        `target:\n  local: {runtime: podman, image: ${execImage}}\nsteps:\n  - wait: 1s\n  - rollout: {image: ${next}}\n`,
      );
      return file;
    };
    const ok = createTestIo({ cwd: images.dir, env: images.env });
    assert.equal(await runCli(['scenario', scenario(shellImage), '--dry-run'], ok), 0, ok.err());
    assert.match(
      ok.out(),
      new RegExp(
        `checks: ok \\(podman is reachable; images ${execImage}, ${shellImage} found \\(port 8080\\)\\)`,
      ),
    );
    const missing = `localhost/${images.prefix}-never-built:test`;
    const bad = createTestIo({ cwd: images.dir, env: images.env });
    assert.equal(await runCli(['scenario', scenario(missing), '--dry-run'], bad), 2);
    assert.match(
      bad.err(),
      new RegExp(
        `^rollcheck: step 2 \\(line 5\\) image: image "${missing}" is not on this machine`,
      ),
    );
    assert.deepEqual(listLeftovers(images.env, `${LABEL_OWNER}=${process.pid}`), []);
  },
);
