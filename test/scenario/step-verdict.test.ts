import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../../src/results/events.js';
import { stepVerdicts, formatStepVerdicts } from '../../src/scenario/index.js';
import type { ScenarioStep } from '../../src/scenario/index.js';
import { analyze } from '../../src/analysis/index.js';
import { junitCases } from '../../src/report/junit-xml.js';
import { fail, makeResults } from '../analysis/fixtures.js';

// A 10 s run at 100 req/s: wait 1s, rollout at 1 s, wait, kill-pod at 5 s, scale at 8 s (failed).
const STEPS: ScenarioStep[] = [
  { index: 0, label: 'wait 1s', action: { kind: 'wait', ms: 1000 }, line: 3 },
  {
    index: 1,
    label: 'rollout restart',
    action: { kind: 'rollout', trigger: { kind: 'restart' }, wait: true, timeoutMs: 60_000 },
    line: 4,
  },
  { index: 2, label: 'wait 2s', action: { kind: 'wait', ms: 2000 }, line: 5 },
  {
    index: 3,
    label: 'kill-pod oldest',
    action: { kind: 'kill-pod', request: { which: 'oldest' } },
    line: 6,
  },
  {
    index: 4,
    label: 'cmd "false"',
    action: { kind: 'cmd', command: 'false', timeoutMs: 1000 },
    line: 7,
  },
];

function stepEvents(spans: Array<[number, number, number, boolean, string?]>): ClusterEvent[] {
  return spans.flatMap(([index, startMs, endMs, ok, error]) => [
    { kind: 'step-started', index, step: STEPS[index]?.label ?? '', atMs: startMs } as ClusterEvent,
    {
      kind: 'step-finished',
      index,
      step: STEPS[index]?.label ?? '',
      ok,
      ...(error ? { error } : {}),
      atMs: endMs,
    } as ClusterEvent,
  ]);
}

const EVENTS = stepEvents([
  [0, 0, 1000, true],
  [1, 1000, 3000, true],
  [2, 3000, 5000, true],
  [3, 5000, 5001, true],
  [4, 8000, 8010, false, 'exited 1'],
]);

const TABLE: Array<{
  name: string;
  failuresAt: number[];
  thresholds: { maxErrors?: number; maxErrorRate?: number; maxOutageMs?: number };
  want: Array<[string, boolean, number]>;
}> = [
  {
    name: 'no failures: the failed cmd step alone fails',
    failuresAt: [],
    thresholds: { maxErrors: 0 },
    want: [
      ['rollout restart', true, 0],
      ['kill-pod oldest', true, 0],
      ['cmd "false"', false, 0],
    ],
  },
  {
    name: 'failures during the wait after the kill belong to the kill step',
    failuresAt: [5200, 5300, 6000],
    thresholds: { maxErrors: 0 },
    want: [
      ['rollout restart', true, 0],
      ['kill-pod oldest', false, 3],
      ['cmd "false"', false, 0],
    ],
  },
  {
    name: 'a failure during the rollout, within the allowed count',
    failuresAt: [2500],
    thresholds: { maxErrors: 1 },
    want: [
      ['rollout restart', true, 1],
      ['kill-pod oldest', true, 0],
      ['cmd "false"', false, 0],
    ],
  },
  {
    name: 'error rate per step: 3 of ~300 in the kill span is 1%, above 0.5%',
    failuresAt: [5200, 5300, 6000],
    thresholds: { maxErrorRate: 0.005 },
    want: [
      ['rollout restart', true, 0],
      ['kill-pod oldest', false, 3],
      ['cmd "false"', false, 0],
    ],
  },
  {
    name: 'outage within the span: 40 failures in a row at 6.0-6.4 s',
    failuresAt: Array.from({ length: 40 }, (_, i) => 6000 + i * 10),
    thresholds: { maxOutageMs: 200 },
    want: [
      ['rollout restart', true, 0],
      ['kill-pod oldest', false, 40],
      ['cmd "false"', false, 0],
    ],
  },
];

for (const row of TABLE) {
  test(`step verdicts: ${row.name}`, () => {
    const results = makeResults({
      ratePerSec: 100,
      durationMs: 10_000,
      failures: row.failuresAt.map((at) => fail(at, 'reset')),
      events: EVENTS,
    });
    const verdicts = stepVerdicts(results, STEPS, row.thresholds);
    assert.deepEqual(
      verdicts.map((v) => [v.step, v.pass, v.failures]),
      row.want,
    );
    const kill = verdicts.find((v) => v.step === 'kill-pod oldest');
    assert.equal(kill?.startMs, 5000);
    assert.equal(kill?.endMs, 8000, 'a step spans until the next action step starts');
    const cmd = verdicts.find((v) => v.step === 'cmd "false"');
    assert.equal(cmd?.endMs, 10_000, 'the last step spans until the end of the run');
    assert.match(cmd?.reasons[0] ?? '', /the step failed: exited 1/);
  });
}

test('a step that never finished (interrupted) fails, and the table says why', () => {
  const results = makeResults({
    durationMs: 4000,
    events: stepEvents([[1, 1000, 3000, true]]).concat([
      { kind: 'step-started', index: 3, step: 'kill-pod oldest', atMs: 3500 },
    ]),
  });
  const verdicts = stepVerdicts(results, STEPS, { maxErrors: 0 });
  assert.deepEqual(
    verdicts.map((v) => [v.step, v.pass]),
    [
      ['rollout restart', true],
      ['kill-pod oldest', false],
    ],
  );
  const text = formatStepVerdicts({ name: 'x', file: 'x.yaml', steps: verdicts, pass: false });
  assert.match(text, /PASS\s+2\. rollout restart/);
  assert.match(
    text,
    /FAIL\s+4\. kill-pod oldest .*\n\s+- the step failed: the step did not finish \(interrupted\)/,
  );
  assert.match(text, /scenario verdict: FAIL$/);
  // A failed step fails the scenario even when the run could not judge the rest.
  assert.match(formatStepVerdicts({ name: 'x', file: 'x.yaml', steps: verdicts, pass: false }, 'the generator fell behind'), /scenario verdict: FAIL$/);
  // Every step passed but the run was inconclusive (exit 3): the scenario is inconclusive, not failed.
  const passing = verdicts.filter((v) => v.pass);
  assert.match(formatStepVerdicts({ name: 'x', file: 'x.yaml', steps: passing, pass: false }, 'the generator fell behind its schedule'), /scenario verdict: INCONCLUSIVE \(the generator fell behind its schedule\)$/);
  assert.match(formatStepVerdicts({ name: 'x', file: 'x.yaml', steps: passing, pass: true }), /scenario verdict: PASS$/);
});

test('HTTP/2: a step leaves out the streams refused unprocessed, as the run\'s verdict does, and the table and JUnit say so', () => {
  const refused = Array.from({ length: 50 }, (_, i) => fail(5200 + i * 4, 'goaway_refused', { reused: true, streamId: 2 * i + 21 }));
  const results = makeResults({ ratePerSec: 100, durationMs: 10_000, failures: refused, events: EVENTS });
  const thresholds = { maxErrors: 0, maxOutageMs: 100 };
  results.analysis = analyze(results, thresholds);
  assert.equal(results.analysis.verdict.pass, true, results.analysis.verdict.reasons.join('\n'));
  const verdicts = stepVerdicts(results, STEPS, thresholds);
  const kill = verdicts.find((v) => v.step === 'kill-pod oldest');
  assert.equal(kill?.pass, true, kill?.reasons.join('\n'));
  assert.equal(kill?.failures, 50);
  assert.deepEqual(kill?.uncounted, { neverProcessed: 50, longestOutageMs: 0 });
  const outcome = { name: 'x', file: 'x.yaml', steps: verdicts, pass: false };
  assert.match(formatStepVerdicts(outcome), /PASS\s+4\. kill-pod oldest .* 50 failed of \d+ \(50 refused unprocessed, not counted\)/);
  results.scenario = outcome;
  const cases = junitCases({ results, label: 'run' } as Parameters<typeof junitCases>[0]).filter((c) => c.classname === 'rollcheck.scenario');
  assert.match(cases.find((c) => c.name === '4. kill-pod oldest')?.out ?? '', /50 failed of \d+ completed \(50 refused unprocessed, not counted\)/);
  // --strict-streams (the scenario's strict-streams key): the step counts them, as the run does.
  const strict = stepVerdicts(results, STEPS, { ...thresholds, strictStreams: true }).find((v) => v.step === 'kill-pod oldest');
  assert.equal(strict?.pass, false);
  assert.equal(strict?.uncounted, undefined);
  assert.match(strict?.reasons[0] ?? '', /^50 failed requests, more than the 0 allowed/);
});
