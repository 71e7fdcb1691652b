// The HTTP/2 demo ladder's judge: a rung shows its finding (or the other one
// that teaches the same lesson), never a finding it forbids, and a pass rung's
// verdict passes (which leaves out the streams a standard client retries unseen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H2_DEMO_VARIANTS } from '../../src/cli/demo-ladder-h2.js';
import { DEMO_VARIANTS, judgeVariant, ladderFor, pickVariants, type DemoVariant } from '../../src/cli/demo-variants.js';
import type { FailureKind, Finding, FindingId, Results } from '../../src/results/types.js';
import { fail, makeResults } from '../analysis/fixtures.js';

function rung(name: string): DemoVariant {
  const v = H2_DEMO_VARIANTS.find((x) => x.name === name);
  assert.ok(v, name);
  return v;
}

function finding(id: FindingId, failures: number, data?: Finding['data']): Finding {
  return { id, severity: 'critical', title: id, evidence: [], fix: '', pods: [], failures, ...(data ? { data } : {}) };
}

function run(kinds: FailureKind[], findings: Finding[], pass: boolean): Results {
  const r = makeResults({ failures: kinds.map((k, i) => fail(1000 + i, k)) });
  r.analysis = { windows: [], totalOutageMs: 0, longestOutageMs: 0, attributions: [], findings, verdict: { pass, reasons: [] } } as unknown as Results['analysis'];
  return r;
}

test('the ladder follows --protocol: grpc and h2c get the HTTP/2 rungs, http1 the classic ones', () => {
  assert.equal(ladderFor('grpc'), H2_DEMO_VARIANTS);
  assert.equal(ladderFor('h2c'), H2_DEMO_VARIANTS);
  assert.equal(ladderFor(undefined), DEMO_VARIANTS);
  assert.deepEqual((pickVariants('pinned,max-age', 'grpc') as DemoVariant[]).map((v) => v.name), ['pinned', 'max-age']);
  assert.match(pickVariants('shell', 'grpc') as string, /unknown variant shell; choose from abrupt, graceful, prestop, pinned, max-age/);
});

test('graceful: the endpoint race shows as no-prestop-drain or as goaway-race; no-graceful-stop there misses the lesson', () => {
  assert.equal(judgeVariant(rung('graceful'), run(['reset'], [finding('no-prestop-drain', 1)], false)).ok, true);
  const race = judgeVariant(rung('graceful'), run(['goaway_refused'], [finding('goaway-race', 1, { hiddenByRetry: 1 })], false));
  assert.equal(race.ok, true);
  assert.match(race.headline, /1 of 1 failed requests → goaway-race \(a standard gRPC client would have retried 1 of them unseen\)/);
  const wrong = judgeVariant(rung('graceful'), run(['reset'], [finding('no-prestop-drain', 1), finding('no-graceful-stop', 1)], false));
  assert.equal(wrong.ok, false);
  assert.match(wrong.headline, /found no-graceful-stop, which this rung must not show/);
});

test('a pass rung: its verdict must pass; the never-processed streams the verdict left out are named in the headline', () => {
  const r = run(['goaway_refused', 'stream_refused'], [finding('goaway-race', 2)], true);
  (r.analysis as NonNullable<Results['analysis']>).verdict.uncounted = { neverProcessed: 2, longestOutageMs: 0 };
  const hidden = judgeVariant(rung('max-age'), r);
  assert.equal(hidden.ok, true);
  assert.match(hidden.headline, /2 failed requests \(2 never processed, retried unseen by a standard gRPC client: not counted\), verdict PASS/);
  // --strict-streams, or a stream reset after it started: the verdict fails, so does the rung.
  assert.equal(judgeVariant(rung('max-age'), run(['goaway_refused', 'stream_reset'], [finding('goaway-race', 2)], false)).ok, false);
  assert.equal(judgeVariant(rung('prestop'), run([], [], true)).ok, true);
  assert.equal(judgeVariant(rung('max-age'), run([], [finding('connection-pinning', 0)], true)).ok, false, 'pinning with max age misses the lesson');
  // A run that could not keep its schedule shows no lesson, and says why rather than FAIL.
  const behind = run(['goaway_refused'], [], false);
  (behind.analysis as NonNullable<Results['analysis']>).verdict.inconclusive = 'the generator fell behind its schedule: sent 100/s';
  assert.match(judgeVariant(rung('prestop'), behind).headline, /verdict INCONCLUSIVE \(the generator fell behind its schedule\) — expected a clean pass/);
});

test('pinned: connection-pinning with the least-served pod\'s share in the headline', () => {
  const o = judgeVariant(rung('pinned'), run([], [finding('connection-pinning', 0, { lowestSharePct: 0 })], true));
  assert.equal(o.ok, true);
  assert.match(o.headline, /0 failed requests → connection-pinning \(the least-served ready pod got 0% of the streams\)/);
  assert.equal(judgeVariant(rung('pinned'), run([], [], true)).ok, false);
});
