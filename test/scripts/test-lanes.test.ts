// The test runner's plan (scripts/test-lanes.mjs): every marker in test/ is a known
// lane, and a simulated run of the real plan keeps each lane's promise at every start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectTestFiles, COMPANIONS, nextToStart, planRun, readDurations, type Lane, type Plan } from '../../scripts/test-lanes.mjs';

const ROOT = join(import.meta.dirname, '../..');

/** simulate runs `plan` on a pretend clock (each file takes `ms(file)`), checking what runs beside what at every start. */
function simulate(plan: Plan, jobs: number, ms: (file: string) => number): { started: string[]; wallMs: number } {
  const queues = { serial: [...plan.serial], pool: [...plan.pool] };
  const running: Array<{ file: string; lane: Lane; endMs: number }> = [];
  const started: string[] = [];
  let nowMs = 0;
  for (;;) {
    for (let file = nextToStart(plan.lanes, queues, running.map((r) => r.lane), jobs); file !== undefined; file = nextToStart(plan.lanes, queues, running.map((r) => r.lane), jobs)) {
      running.push({ file, lane: plan.lanes.get(file)!, endMs: nowMs + ms(file) });
      started.push(file);
      const lanes = running.map((r) => r.lane);
      assert.ok(lanes.length <= jobs, `at most ${jobs} at once: ${lanes.join()}`);
      assert.ok(lanes.filter((l) => l === 'heavy').length <= 1, `never two heavy: ${lanes.join()}`);
      if (lanes.includes('alone')) assert.equal(lanes.length, 1, `nothing beside an alone file: ${lanes.join()}`);
      if (lanes.includes('serial')) {
        assert.ok(lanes.filter((l) => l !== 'quick').length === 1 && lanes.length <= 1 + COMPANIONS, `a serial file has only ${COMPANIONS} quick beside it: ${lanes.join()}`);
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
  const plan = planRun(ROOT, files, readDurations());
  for (const lane of ['alone', 'serial', 'heavy', 'slow', 'quick'] as const) assert.ok([...plan.lanes.values()].includes(lane), `some file is ${lane}`);
  const durations = readDurations();
  const ms = (f: string) => durations[f.slice(ROOT.length + 1)] ?? 1000;
  for (const jobs of [1, 2, 4]) {
    const { started } = simulate(plan, jobs, ms);
    assert.deepEqual([...started].sort(), [...files].sort(), `every file once with --jobs ${jobs}`);
  }
});

test('quick files run beside a serial one, not beside an alone one; the pool waits for the serial lane', () => {
  const lanes = new Map<string, Lane>([['s1', 'serial'], ['a1', 'alone'], ['q1', 'quick'], ['q2', 'quick'], ['q3', 'quick'], ['h1', 'heavy'], ['h2', 'heavy'], ['w1', 'slow']]);
  const plan: Plan = { serial: ['s1', 'a1'], pool: ['h1', 'w1', 'h2', 'q1', 'q2', 'q3'], lanes };
  const ms: Record<string, number> = { s1: 10, a1: 5, q1: 4, q2: 4, q3: 3, h1: 3, h2: 3, w1: 3 };
  const { started, wallMs } = simulate(plan, 4, (f) => ms[f]!);
  // s1 (0–10 ms) with q1, q2, q3 beside it one after another (0–11 ms); a1 waits for q3 to end
  // (11–16 ms); then the pool, h2 after h1 (16–19, 19–22 ms).
  assert.deepEqual(started, ['s1', 'q1', 'q2', 'q3', 'a1', 'h1', 'w1', 'h2']);
  assert.equal(wallMs, 22);
});
