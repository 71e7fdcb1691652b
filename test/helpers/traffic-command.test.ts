// The exit-3 allowance of rollout tests (test/helpers/traffic-command.ts) takes an
// inconclusive run only where a pass was due and only when the generator falling
// behind is the whole reason: every other wrong exit still fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, decideVerdict } from '../../src/analysis/index.js';
import type { Results } from '../../src/results/types.js';
import { fail, makeResults } from '../analysis/fixtures.js';
import { judgeExit, runTrafficCommand } from './traffic-command.js';

const BEHIND = "worker 0's event loop was blocked for 900 ms: the generator fell behind its schedule";

// A run judged by the real verdict: its failures against --max-errors 0, and the generator's line when it fell behind.
function judged(o: { failures?: number; behind?: boolean; inconclusive?: string[] }): Results {
  const r = makeResults({ failures: Array.from({ length: o.failures ?? 0 }, (_, i) => fail(2000 + i * 10, 'reset')) });
  const thresholds = { maxErrors: 0 };
  const analysis = analyze(r, thresholds);
  const verdict = decideVerdict({
    totals: r.totals,
    longestOutageMs: 0,
    findings: [],
    thresholds,
    ...(o.inconclusive ? { inconclusive: o.inconclusive } : {}),
    ...(o.behind ? { generatorBehind: BEHIND } : {}),
  });
  return { ...r, analysis: { ...analysis, verdict } };
}

test('judgeExit: the exit the facts call for passes, and says whether the generator fell behind', () => {
  assert.equal(judgeExit(0, judged({}), [0]), undefined);
  assert.equal(judgeExit(1, judged({ failures: 3 }), [1]), undefined);
  // Failures fail a run whatever the generator did: exit 1, with its line kept.
  assert.equal(judgeExit(1, judged({ failures: 3, behind: true }), [0, 1]), BEHIND);
});

test('judgeExit: exit 3 stands in for a pass only when the generator falling behind is the whole reason', () => {
  const behind = judged({ behind: true });
  assert.equal(behind.analysis?.verdict.inconclusive, BEHIND, 'the real verdict makes it inconclusive');
  // Each accepted exit 3 is noted (a BEHIND_MARK line, which the test runner counts): the weaker check is on the record.
  const notes: string[] = [];
  assert.equal(judgeExit(3, behind, [0], '', (l) => notes.push(l)), BEHIND);
  assert.equal(judgeExit(3, behind, [0, 1], '', (l) => notes.push(l)), BEHIND);
  assert.deepEqual(notes, [`exit 3 accepted where 0 was due: ${BEHIND}`, `exit 3 accepted where 0 or 1 was due: ${BEHIND}`]);
  // A run whose facts call for failures (exit 1) fails on them even with the generator behind: 3 is wrong there.
  assert.throws(() => judgeExit(3, behind, [1], '', (l) => notes.push(l)), /exit 3 where the run's facts call for 1/);
  // The exit the facts call for is no allowance: nothing noted.
  judgeExit(1, judged({ failures: 3, behind: true }), [0, 1], '', (l) => notes.push(l));
  assert.equal(notes.length, 2);
});

test('judgeExit: every other wrong exit fails the test', () => {
  assert.throws(() => judgeExit(1, judged({ failures: 2 }), [0]), /exit 1 where the run's facts call for 0; verdict: 2 failed requests/);
  assert.throws(() => judgeExit(0, judged({}), [1]), /exit 0 where the run's facts call for 1/);
  assert.throws(() => judgeExit(2, judged({}), [0, 1]), /exit 2/);
  // Inconclusive for another reason: not the generator's doing.
  const baseline = judged({ inconclusive: ['the baseline was not clean: 4 failed'] });
  assert.throws(() => judgeExit(3, baseline, [0, 1]), /the generator kept its schedule: the baseline was not clean/);
  const both = judged({ behind: true, inconclusive: ['the baseline was not clean: 4 failed'] });
  assert.throws(() => judgeExit(3, both, [0, 1]), /inconclusive for more than the generator falling behind/);
  // An internal error exits 3 with no verdict at all.
  assert.throws(() => judgeExit(3, makeResults(), [0, 1]), /the generator kept its schedule: no reason given/);
});

test('runTrafficCommand: a command that writes no results file fails the test, naming its exit and what it said', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-traffic-command-'));
  try {
    await assert.rejects(runTrafficCommand(['load', 'http://127.0.0.1:9/', '--rate', 'lots'], { dir, exits: [0] }), /exit 2 and no results file: rollcheck: .*--rate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
