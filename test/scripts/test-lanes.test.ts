// The test runner's plan (scripts/test-lanes.mjs): every marker in test/ is a known
// lane, and a simulated run of the real plan keeps each lane's promise and the CPU
// budget at every start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { batchQuick, collectTestFiles, COMPANION_CORES, CPU_BUDGET, groupOf, nextToStart, planRun, readDurations, shareOf, simulateRun, type Lane, type Plan } from '../../scripts/test-lanes.mjs';

const ROOT = join(import.meta.dirname, '../..');
const CORES = 2;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** simulate runs `plan` on a pretend clock (each file takes `ms(file)`), checking what runs beside what at every start. */
function simulate(plan: Plan, jobs: number, ms: (file: string) => number): { started: string[]; wallMs: number } {
  const queues = { serial: [...plan.serial], pool: [...plan.pool] };
  const running: Array<{ file: string; endMs: number }> = [];
  const started: string[] = [];
  const lane = (f: string): Lane => plan.lanes.get(f)!;
  const share = (f: string): number => plan.shares.get(f)!;
  let nowMs = 0;
  const next = (): string | undefined => nextToStart(plan, queues, running.map((r) => r.file), jobs, CORES);
  for (;;) {
    for (let file = next(); file !== undefined; file = next()) {
      running.push({ file, endMs: nowMs + ms(file) });
      started.push(file);
      const files = running.map((r) => r.file);
      const lanes = files.map(lane);
      assert.ok(lanes.length <= jobs, `at most ${jobs} at once: ${lanes.join()}`);
      assert.ok(lanes.filter((l) => l === 'heavy').length <= 1, `never two heavy: ${lanes.join()}`);
      const groups = files.flatMap((f) => plan.groups?.get(f) ?? []);
      assert.equal(new Set(groups).size, groups.length, `never two of one group: ${files.join()}`);
      if (lanes.includes('alone')) assert.equal(lanes.length, 1, `nothing beside an alone file: ${lanes.join()}`);
      const serial = files.find((f) => lane(f) === 'serial');
      if (serial !== undefined) {
        const beside = files.filter((f) => f !== serial);
        assert.ok(beside.every((f) => lane(f) !== 'serial' && lane(f) !== 'alone'), `no other serial file beside a serial one: ${lanes.join()}`);
        const oneQuick = beside.length === 1 && lane(beside[0]!) === 'quick';
        assert.ok(oneQuick || sum(beside.map(share)) <= COMPANION_CORES + 1e-9, `only light files beside a serial one: ${beside.map(share).join()}`);
      } else if (file === files.at(-1) && files.length > 1) {
        assert.ok(sum(files.map(share)) <= CPU_BUDGET * CORES + 1e-9, `within the CPU budget: ${files.map(share).join()}`);
      }
    }
    if (running.length === 0) break;
    running.sort((a, b) => a.endMs - b.endMs);
    nowMs = running.shift()!.endMs;
  }
  return { started, wallMs: nowMs };
}

test('the plan of test/: every marker is a lane, every file runs once, each lane keeps its promise at every start', () => {
  const files = collectTestFiles(join(ROOT, 'test'));
  const durations = readDurations();
  const plan = planRun(ROOT, files, durations);
  for (const lane of ['alone', 'serial', 'heavy', 'slow', 'quick'] as const) assert.ok([...plan.lanes.values()].includes(lane), `some file is ${lane}`);
  const ms = (f: string): number => durations[f.slice(ROOT.length + 1)]?.wallMs ?? 1000;
  for (const jobs of [1, 2, 4, 8]) {
    const { started } = simulate(plan, jobs, ms);
    assert.deepEqual([...started].sort(), [...files].sort(), `every file once with --jobs ${jobs}`);
  }
});

test('files of one test-group never run at once, in any lane; the podman files are one group', () => {
  const lanes = new Map<string, Lane>([['s1', 'serial'], ['p1', 'slow'], ['p2', 'slow'], ['p3', 'serial'], ['w1', 'slow']]);
  const shares = new Map([['s1', 0.2], ['p1', 0.2], ['p2', 0.2], ['p3', 0.2], ['w1', 0.2]]);
  const groups = new Map([['p1', 'podman'], ['p2', 'podman'], ['p3', 'podman']]);
  const plan: Plan = { serial: ['s1', 'p3'], pool: ['p1', 'p2', 'w1'], lanes, shares, groups };
  const ms: Record<string, number> = { s1: 2, p1: 5, p2: 3, p3: 1, w1: 4 };
  const { started, wallMs } = simulate(plan, 8, (f) => ms[f]!);
  // s1 with p1 and w1 beside it; p3, the next serial file, waits for p1 (5), then p2 for p3 (6–9).
  assert.deepEqual(started, ['s1', 'p1', 'w1', 'p3', 'p2']);
  assert.equal(wallMs, 9);
  const podman = collectTestFiles(join(ROOT, 'test')).filter((f) => groupOf(f) === 'podman');
  assert.ok(podman.some((f) => f.endsWith('runtime-podman.test.ts')) && podman.some((f) => f.endsWith('container-scenario.test.ts')), `the podman files: ${podman.join(' ')}`);
});

test('a file\'s CPU share is its CPU seconds over its wall time, within 0.05..1; unknown is a rollout\'s', () => {
  assert.equal(shareOf({ wallMs: 10_000, cpuS: 2 }), 0.2);
  assert.equal(shareOf({ wallMs: 1000, cpuS: 1.4 }), 1);
  assert.equal(shareOf({ wallMs: 100_000, cpuS: 1 }), 0.05);
  assert.equal(shareOf({ wallMs: 5000 }), shareOf(undefined));
});

test('alone first with nothing beside; light files beside a serial one, a heavy one among them; then the pool within the CPU budget, one heavy at a time', () => {
  const lanes = new Map<string, Lane>([['a1', 'alone'], ['s1', 'serial'], ['q1', 'quick'], ['q2', 'quick'], ['w1', 'slow'], ['w2', 'slow'], ['h1', 'heavy'], ['h2', 'heavy']]);
  const shares = new Map([['a1', 0.5], ['s1', 0.5], ['q1', 0.6], ['q2', 0.6], ['w1', 0.4], ['w2', 0.4], ['h1', 0.6], ['h2', 0.6]]);
  const plan: Plan = { serial: ['a1', 's1'], pool: ['h1', 'w1', 'h2', 'w2', 'q1', 'q2'], lanes, shares };
  const ms: Record<string, number> = { a1: 2, s1: 4, h1: 6, w1: 5, h2: 4, w2: 3, q1: 2, q2: 1 };
  const { started, wallMs } = simulate(plan, 8, (f) => ms[f]!);
  // a1 alone (0–2); s1 (2–6) with h1 and w1 beside it (a core between them, COMPANION_CORES; h2
  // would be a second heavy, w2 and the quick files do not fit); then w2 and q1 (2 cores with h1,
  // the whole CPU_BUDGET), h2 once h1 is done and q2 beside it (8–12).
  assert.deepEqual(started, ['a1', 's1', 'h1', 'w1', 'w2', 'q1', 'h2', 'q2']);
  assert.equal(wallMs, 12);
  // The runner's own dry run (`npm test -- --plan`) plays the same schedule, and names the chain that set its length.
  const predicted = simulateRun(plan, 8, CORES, (f) => ms[f]!);
  assert.equal(predicted.wallMs, 12);
  assert.deepEqual(Object.fromEntries([...predicted.spans].map(([f, s]) => [f, [s.startMs, s.endMs]])), { a1: [0, 2], s1: [2, 6], h1: [2, 8], w1: [2, 7], w2: [6, 9], q1: [6, 8], h2: [8, 12], q2: [8, 9] });
  assert.deepEqual(predicted.criticalPath, ['a1', 'h1', 'h2']);
});

test('quick files go in batches of up to BATCH_MS of recorded time, first fit longest first; a batch stands in for its files with their CPU share', () => {
  const r = (n: string): string => `/r/${n}`;
  const lanes = new Map<string, Lane>([['w1', 'slow'], ['q1', 'quick'], ['q6', 'quick'], ['q2', 'quick'], ['q3', 'quick'], ['q5', 'quick'], ['q4', 'quick'], ['qs', 'quick']].map(([f, l]) => [r(f!), l as Lane]));
  const wall: Record<string, number> = { w1: 20_000, q1: 8000, q6: 11_500, q2: 5000, q3: 3000, q4: 1000, qs: 500 };
  const cpu: Record<string, number> = { w1: 4, q1: 4, q6: 2, q2: 1, q3: 1, q4: 1, qs: 0.2 };
  const durations = Object.fromEntries(Object.keys(wall).map((f) => [f, { wallMs: wall[f]!, cpuS: cpu[f]! }]));
  const pool = ['w1', 'q1', 'q6', 'q2', 'q3', 'q5', 'q4', 'qs'].map(r);
  const plan: Plan = { serial: [], pool, lanes, shares: new Map(pool.map((f) => [f, 0.3])), expectedMs: new Map(pool.map((f) => [f, wall[f.slice(3)] ?? 30_000])) };
  // q5 has no record: taken as 3 s and 0.3 of a core. qs runs from source: never batched.
  const batches = batchQuick('/r', plan, durations, (f) => f !== r('qs'));
  assert.deepEqual([...batches], [['batch:1', ['q1', 'q3', 'q4'].map(r)], ['batch:2', ['q2', 'q5'].map(r)]]);
  // q6 fits no batch with another file: it stays on its own.
  assert.deepEqual(plan.pool, [r('w1'), 'batch:1', r('q6'), 'batch:2', r('qs')]);
  assert.equal(plan.lanes.get('batch:1'), 'quick');
  assert.equal(plan.expectedMs!.get('batch:1'), 12_000);
  assert.equal(plan.shares.get('batch:1'), 6 / 12);
  assert.equal(plan.shares.get('batch:2'), (1 + 0.9) / 8);
});
