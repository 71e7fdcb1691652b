import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_VARIANTS, judgeVariant, pickVariants } from '../../src/cli/demo-variants.js';
import { analyze } from '../../src/analysis/index.js';
import { fail, gracefulPodEvents, makeResults } from '../analysis/fixtures.js';

test('demo variants: the ladder order, and --variants picks a subset in ladder order', () => {
  assert.deepEqual(DEMO_VARIANTS.map((v) => [v.name, v.expect]), [
    ['shell', 'sigterm-ignored'],
    ['exec', 'no-prestop-drain'],
    ['prestop', 'keepalive-reset'],
    ['drain', 'pass'],
  ]);
  assert.deepEqual((pickVariants('drain, shell') as Array<{ name: string }>).map((v) => v.name), ['shell', 'drain']);
  assert.equal((pickVariants(undefined) as unknown[]).length, 4);
  assert.match(pickVariants('shell,tini') as string, /unknown variant tini/);
});

test('demo variants: a rung passes only with its finding; the last only with a clean pass', () => {
  const prestop = DEMO_VARIANTS[2]!;
  const drain = DEMO_VARIANTS[3]!;
  const cut = makeResults({
    failures: [fail(3001.5, 'closed_before_response', { pod: 'p', reused: true })],
    events: gracefulPodEvents('p', 1000, { preStopMs: 2000, drainMs: 5 }),
  });
  cut.analysis = analyze(cut, { maxErrors: 0 });
  assert.deepEqual(judgeVariant(prestop, cut), {
    ok: true,
    headline: '1 of 1 failed requests → keepalive-reset (a client that retries idempotent requests would have hidden 1; undici and scripts see them all)',
  });
  assert.equal(judgeVariant(drain, cut).ok, false);
  const clean = makeResults();
  clean.analysis = analyze(clean, { maxErrors: 0 });
  assert.equal(judgeVariant(drain, clean).ok, true);
  assert.match(judgeVariant(prestop, clean).headline, /expected keepalive-reset, found nothing/);
});
