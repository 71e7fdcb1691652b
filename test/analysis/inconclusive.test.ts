import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, inconclusiveReasons } from '../../src/analysis/index.js';
import { fail, makeResults } from './fixtures.js';

function withRollout(r: ReturnType<typeof makeResults>, atMs: number): ReturnType<typeof makeResults> {
  r.meta.phases = [{ phase: 'baseline', atMs: 0 }, { phase: 'rollout', atMs }, { phase: 'stopping', atMs: 9_900 }];
  return r;
}

test('a clean run is not inconclusive', () => {
  const r = withRollout(makeResults({ failures: [fail(6000, 'reset')] }), 3000);
  assert.deepEqual(inconclusiveReasons(r), []);
  const v = analyze(r, { maxErrors: 0 }).verdict;
  assert.equal(v.pass, false);
  assert.equal(v.inconclusive, undefined, 'a failure during the rollout is a plain fail');
});

test('failures before the rollout began: inconclusive, the baseline was not clean', () => {
  const r = withRollout(makeResults({ failures: [fail(1000, 'timeout'), fail(6000, 'reset')] }), 3000);
  const v = analyze(r, { maxErrors: 5 }).verdict;
  assert.equal(v.pass, false);
  assert.match(v.inconclusive ?? '', /^the baseline was not clean: 1 request failed before the rollout began/);
  assert.match(v.reasons[0] ?? '', /^inconclusive: /);
});

test('dropped or queue-expired requests: the generator fell short, never a pass', () => {
  const r = makeResults({});
  r.meta.params.connections = 10;
  r.totals.queueExpired = 40;
  r.totals.dropped = 3;
  const v = analyze(r, { maxErrors: 0 }).verdict;
  assert.equal(v.pass, false);
  assert.match(v.inconclusive ?? '', /generator fell short of its rate: 40 requests never got a connection within --timeout \(all 10 --connections busy\) and 3 requests dropped at --max-in-flight/);
});

test("the engine's in-flight count differing from the books makes the run inconclusive", () => {
  const r = makeResults({});
  r.totals.inFlightAtStop = 2;
  r.totals.inFlightCounted = 5;
  assert.match(inconclusiveReasons(r)[0] ?? '', /books do not balance: the engine counted 5 .* gives 2/);
  r.totals.inFlightCounted = 2;
  assert.deepEqual(inconclusiveReasons(r), []);
});
