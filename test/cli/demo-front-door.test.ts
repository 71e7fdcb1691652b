// test-lane: slow: real rollouts behind a real proxy
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontDoorLine } from '../../src/cli/demo-front-door.js';
import { DEMO_VARIANTS, judgeVariant, lessonFor } from '../../src/cli/demo-variants.js';
import { makeResults } from '../analysis/fixtures.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import { skipUnless } from '../tools.js';
import { ingressLeftovers } from '../cluster/local/ingress-harness.js';
import { loadResults } from '../../src/results/io.js';

test('frontDoorLine says what GETs saw, what POSTs saw and what the retries hid', () => {
  const r = makeResults();
  r.totals.byMethod = { POST: { ok: 240, failed: 5 }, GET: { ok: 243, failed: 1 } };
  r.totals.savedByRetry = 62;
  assert.equal(frontDoorLine(r), 'GETs saw 1 failed of 244 · POSTs saw 5 failed of 245 · retries hid 62');
});

test('the prestop rung: directly keepalive-reset; behind nginx a clean pass (its reload drops pooled connections); behind HAProxy upstream-keepalive-reset', () => {
  const prestop = DEMO_VARIANTS.find((v) => v.name === 'prestop');
  assert.ok(prestop);
  const direct = makeResults();
  direct.analysis = { windows: [], totalOutageMs: 0, longestOutageMs: 0, attributions: [], findings: [], verdict: { pass: true, reasons: [], thresholds: {} } };
  assert.equal(judgeVariant(prestop, direct).ok, false, 'directly, a clean pass misses the lesson');
  const behind = structuredClone(direct);
  behind.meta.params.ingress = 'nginx';
  assert.equal(judgeVariant(prestop, behind).ok, true);
  behind.meta.params.ingress = 'haproxy';
  assert.equal(judgeVariant(prestop, behind).ok, false, 'behind HAProxy a clean pass misses the lesson');
  assert.match(lessonFor(prestop, 'nginx'), /behind nginx/);
  assert.match(lessonFor(prestop, 'haproxy'), /behind HAProxy/);
  assert.equal(lessonFor(prestop, undefined), prestop.lesson);
});

test('rollcheck demo --ingress haproxy: each rung runs through the proxy and says what GETs and POSTs saw', { skip: skipUnless('haproxy') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-demo-ingress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const io = createTestIo({ cwd: dir });
  const code = await runCli(['demo', '--ingress', 'haproxy', '--variants', 'prestop,drain', '--out-dir', dir, '--no-dashboard'], io);
  const out = io.out();
  assert.match(out, /through a real haproxy ingress \(delay 1000 ms\), GET=50,POST=50/);
  assert.equal(out.match(/GETs saw \d+ failed of \d+ · POSTs saw \d+ failed of \d+ · retries hid \d+/g)?.length, 2, out);
  const runs = ['1-prestop.json', '2-drain.json'].map((f) => loadResults(join(dir, f)));
  for (const r of runs) {
    assert.equal(r.meta.params.ingress, 'haproxy');
    assert.equal(r.meta.params.preStop, 'sleep 2500ms', 'the preStop outlasts endpoint + ingress delay');
    assert.deepEqual(ingressLeftovers(r.events), []);
  }
  // HAProxy changes servers without a reload: a draining app behind it loses nothing.
  assert.equal(runs[1]?.totals.failed, 0, JSON.stringify(runs[1]?.failures.slice(0, 3)));
  const variants = DEMO_VARIANTS.filter((v) => v.name === 'prestop' || v.name === 'drain');
  // A rung that missed its lesson fails the demo (1), unless its verdict was inconclusive (a busy machine): then 3.
  const missed = runs.filter((r, i) => !judgeVariant(variants[i] as (typeof variants)[number], r).ok);
  const unsure = missed.filter((r) => r.analysis?.verdict.inconclusive !== undefined);
  assert.equal(code, missed.length === 0 ? 0 : unsure.length === missed.length ? 3 : 1, out);
});
