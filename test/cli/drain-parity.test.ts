// test-lane: heavy: the same workloads and drains on the embedded runtime and on the kube sandbox
// Parity: one case run twice, by `rollcheck local` (the embedded runtime's own
// controllers, drain and PDB gate) and by `rollcheck run` against the kube
// sandbox (the kube driver, real kubectl for the budget), must give the same
// findings: the two drivers emit the same events for the same mechanism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Results } from '../../src/results/types.js';
import { readSandboxOptions, startSandbox } from '../kube-api-server/sandbox.js';
import { runTrafficCommand } from '../helpers/traffic-command.js';
import { skipUnless } from '../tools.js';

type T = { after(fn: () => unknown): void };
// The findings are what the two drivers must agree on; either verdict may come with them.
const EXITS = [0, 1];
const COMMON = ['--no-dashboard', '--warmup', '1s', '--baseline', '2s', '--cooldown', '1s', '--rate', '40'];

interface Case {
  name: string;
  /** shape: the pods, as flags both `local` and the sandbox read. */
  shape: string[];
  local: string[];
  run: string[];
  /** pdb: a budget of max-unavailable 1 (local: --pdb; sandbox: kubectl create pdb). */
  pdb?: boolean;
  expect: string[];
}

const CASES: Case[] = [
  {
    name: 'a StatefulSet of the shell demo rolled',
    shape: ['--replicas', '2', '--workload', 'statefulset', '--entrypoint', 'shell', '--grace-period', '2s'],
    local: [],
    // PID 1 inspected on both sides, as the embedded runtime always does: without it the run side tells the shell's
    // silence from a slow drain by the old pod's keep-alive answers after SIGTERM, which a busy CI machine once thinned.
    run: ['--workload', 'statefulset/demo', '--inspect-pid1'],
    expect: ['sigterm-ignored'],
  },
  {
    name: 'a drain of the node holding 2 of 3 pods, no PDB',
    shape: ['--replicas', '3', '--nodes', '2', '--grace-period', '2s', '--prestop-sleep', '500ms'],
    local: ['--trigger', 'drain=node-1'],
    run: ['--deployment', 'demo', '--trigger', 'drain=node-1', '--drain-timeout', '90s'],
    expect: ['no-pdb'],
  },
  {
    name: 'the same drain with a PDB max-unavailable=1 and a preStop',
    shape: ['--replicas', '3', '--nodes', '2', '--grace-period', '5s', '--prestop-sleep', '1s'],
    local: ['--trigger', 'drain=node-1', '--eviction-retry', '1s'],
    run: ['--deployment', 'demo', '--trigger', 'drain=node-1', '--drain-timeout', '90s'],
    pdb: true,
    expect: [],
  },
];

async function onLocal(t: T, c: Case): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-parity-local-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = await runTrafficCommand(['local', '--app', 'demo', '--endpoint-delay', '200ms', ...c.shape, ...c.local, ...(c.pdb ? ['--pdb', 'max-unavailable=1'] : []), ...COMMON], { dir, exits: EXITS });
  return run.results;
}

async function onSandbox(t: T, c: Case): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-parity-kube-'));
  const s = await startSandbox(readSandboxOptions(['--kubeconfig', join(dir, 'kubeconfig'), '--endpoint-delay', '200ms', ...c.shape]));
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  if (c.pdb) {
    await new Promise<void>((resolve, reject) =>
      execFile('kubectl', ['create', 'pdb', 'demo', '--selector=app=demo', '--max-unavailable=1'], { env: { ...process.env, KUBECONFIG: s.kubeconfig, HOME: dir }, timeout: 60_000 }, (err, _o, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve())),
    );
  }
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const run = await runTrafficCommand(['run', '--kubeconfig', s.kubeconfig, '--url', s.proxyUrl, ...c.run, ...COMMON], { dir, exits: EXITS, env });
  return run.results;
}

const ids = (r: Results): string[] => [...new Set((r.analysis?.findings ?? []).map((f) => f.id))].sort();

for (const c of CASES) {
  test(`parity, rollcheck local and rollcheck run on the sandbox: ${c.name} → ${c.expect.join(', ') || 'no finding'}`, { skip: skipUnless('kubectl'), timeout: 240_000 }, async (t) => {
    const local = await onLocal(t, c);
    const kube = await onSandbox(t, c);
    const story = (r: Results): string => `${r.meta.command}: ${ids(r).join(', ') || 'none'}, ${r.totals.failed} failed`;
    assert.deepEqual(ids(local), c.expect, story(local));
    assert.deepEqual(ids(kube), c.expect, story(kube));
  });
}
