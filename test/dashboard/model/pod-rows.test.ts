import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickRows, podRows, type PodRow } from '../../../src/dashboard/model/pod-rows.js';
import { killedEvents, PODS, snapshot } from '../fixtures.js';

test('podRows: revision old/new after a rollout, state with exit code, time in state, ok and failures', () => {
  const s = snapshot({
    events: killedEvents(),
    okByPod: { [PODS.OLD_A]: 10, [PODS.NEW_A]: 4, 'lone-pod': 2 },
    failuresByPod: { [PODS.OLD_A]: 3 },
  });
  const rows = podRows(s, 15_000);
  assert.deepEqual(
    rows.map((r) => [r.pod, r.revision, r.state, r.tone, r.inStateMs, r.ok, r.failures, r.gone]),
    [
      [PODS.OLD_A, 'old', 'exited 137', 'gone', 790, 10, 3, true],
      [PODS.OLD_B, 'old', 'ready', 'good', 14_280, 0, 0, false],
      [PODS.NEW_A, 'new', 'ready', 'good', 4000, 4, 0, false],
      // A pod seen only in answers (load mode) still gets a row.
      ['lone-pod', '-', 'answering', 'plain', -1, 2, 0, false],
    ],
  );
});

test('podRows: before any rollout every pod is the current revision', () => {
  const rows = podRows(
    snapshot({ events: killedEvents().filter((e) => e.kind !== 'rollout-started') }),
    15_000,
  );
  assert.deepEqual([...new Set(rows.map((r) => r.revision))], ['cur']);
});

test('pickRows keeps live pods first, then the newest exited ones, and counts the rest', () => {
  const row = (pod: string, gone: boolean): PodRow => ({
    pod,
    node: '',
    revision: 'old',
    state: gone ? 'exited 0' : 'ready',
    tone: 'good',
    inStateMs: 0,
    ok: 0,
    failures: 0,
    gone,
  });
  const rows = [row('a', true), row('b', true), row('c', false), row('d', true), row('e', false)];
  assert.deepEqual(pickRows(rows, 3), {
    shown: [row('c', false), row('d', true), row('e', false)],
    hidden: 2,
  });
  assert.deepEqual(pickRows(rows, 10), { shown: rows, hidden: 0 });
});
