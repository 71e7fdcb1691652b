// test-lane: slow: real rollouts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Results } from '../../src/results/types.js';
import { SLOW_START_RULES } from '../../src/analysis/findings-slow-start.js';
import { runSlowStartDemo } from './slow-start-demo.js';

test('the demo app with a cold start gives slow-start for its new pods; without one, never', async () => {
  // Old pods are warm by the rollout (after the 5 s baseline); new pods start cold (slow-start-demo.ts).
  const cold = await runSlowStartDemo(true);
  const ids = (r: Results): string[] => r.analysis?.findings.map((f) => f.id) ?? [];
  const slow = cold.analysis?.findings.find((f) => f.id === 'slow-start');
  assert.ok(slow, `cold start: ${ids(cold).join(', ')}`);
  const firstRev = cold.events.find((e) => e.kind === 'pod-created')?.pod.replace(/-[^-]+$/, '');
  assert.ok(slow.pods.length > 0 && slow.pods.every((p) => !p.startsWith(`${firstRev}-`)), `only new pods: ${slow.pods.join(', ')}`);
  // Per pod p50/p99 over its first 5 s against the same pod later and the settled pods, and the figures behind them.
  const line = slow.evidence[0] ?? '';
  assert.match(line, /Its first 5\.0 s: p50 \d+ ms, p99 [\d.]+ m?s \(\d+ answers.*\); the same pod later: (p50 \d+ ms, p99 [\d.]+ m?s|no answers|only \d+ answers?, too few).*; the settled pods meanwhile: p50 \d+ ms, p99 \d+ ms .*\. Slow at (p50|p99)/, line);
  const pod = slow.pods[0] ?? '';
  const data = slow.data ?? {};
  assert.equal(data.basis, 'p50/p99');
  // The figures behind the words: the rule the line names holds for them.
  const at = (name: string): number => Number(data[`${pod} ${name}`]);
  const r = SLOW_START_RULES;
  const p50 = at('firstP50Ms') >= r.p50Factor * at('settledP50Ms') && at('firstP50Ms') >= at('settledP50Ms') + r.p50MarginMs;
  const p99 = at('firstP99Ms') >= r.p99Factor * at('settledP99Ms') && at('firstP99Ms') >= at('settledP99Ms') + r.p99MarginMs;
  assert.ok(p50 || p99, JSON.stringify(data));
  const intervalWithBuckets = cold.intervals.find((i) => Object.keys(i.okByPod).length > 0);
  assert.deepEqual(Object.keys(intervalWithBuckets?.okServiceBucketsByPod ?? {}).sort(), Object.keys(intervalWithBuckets?.okByPod ?? {}).sort());
  const warm = await runSlowStartDemo(false);
  assert.ok(!ids(warm).includes('slow-start'), `warm: ${ids(warm).join(', ')}`);
});
