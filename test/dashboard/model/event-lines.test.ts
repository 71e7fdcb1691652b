import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '../../../src/results/events.js';
import {
  describeBurst,
  failureBursts,
  logLines,
} from '../../../src/dashboard/model/event-lines.js';
import { failure } from '../fixtures.js';

const A = 'demo-7f9c-aaaaa';
const B = 'demo-7f9c-bbbbb';

test('failureBursts groups by kind and pod, split by a quiet gap over 1 s', () => {
  const bursts = failureBursts([
    failure(5000, 'reset', A),
    failure(5100, 'reset', A),
    failure(5050, 'refused'),
    failure(5900, 'reset', A),
    failure(7000, 'reset', A), // 1.1 s after the last: a new burst
    failure(5200, 'reset', B),
  ]);
  assert.deepEqual(
    bursts.map((b) => [b.kind, b.pod ?? '-', b.count, b.startMs, b.endMs]),
    [
      ['reset', A, 3, 5000, 5900],
      ['refused', '-', 1, 5050, 5050],
      ['reset', B, 1, 5200, 5200],
      ['reset', A, 1, 7000, 7000],
    ],
  );
});

const events: ClusterEvent[] = [
  { kind: 'pod-created', pod: A, atMs: 100, revision: '1' },
  { kind: 'sigterm', pod: A, atMs: 4000 },
  { kind: 'sigkill', pod: A, atMs: 7000 },
  { kind: 'exited', pod: A, atMs: 7005, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 3005 },
  { kind: 'sigterm', pod: B, atMs: 9000 },
];

test('describeBurst tells a burst against the step of its pod just before it', () => {
  const cases: Array<[string, ReturnType<typeof failureBursts>[number], string]> = [
    [
      'after SIGKILL, not the exit 5 ms later',
      { kind: 'reset', pod: A, count: 12, startMs: 7400, endMs: 7500 },
      `12 reset, ${A}: 400ms after SIGKILL`,
    ],
    [
      'after SIGTERM',
      { kind: 'http_5xx', pod: A, count: 3, startMs: 4200, endMs: 4300 },
      `3 5xx, ${A}: 200ms after SIGTERM`,
    ],
    [
      'no pod: the nearest pod step within 5 s',
      { kind: 'refused', count: 2, startMs: 9300, endMs: 9300 },
      `2 refused: 300ms after SIGTERM of ${B}`,
    ],
    [
      'no pod, nothing near',
      { kind: 'timeout', count: 1, startMs: 20_000, endMs: 20_000 },
      '1 timeout',
    ],
    [
      'pod without events',
      { kind: 'reset', pod: 'other', count: 1, startMs: 100, endMs: 100 },
      '1 reset, other',
    ],
  ];
  for (const [name, burst, want] of cases)
    assert.equal(describeBurst(burst, events, 40, false), want, name);
  assert.equal(
    describeBurst(
      { kind: 'reset', pod: A, count: 200, startMs: 7400, endMs: 7400 },
      events,
      8,
      true,
    ),
    '200+ reset, demo-7f…: 400ms after SIGKILL',
  );
});

test('logLines merges events and bursts oldest first, keeps the last N, leaves out noise', () => {
  const lines = logLines(
    [
      ...events,
      { kind: 'rollout-progress', atMs: 5000, replicas: 2, updated: 1, ready: 2, available: 2 },
      { kind: 'endpoint-added', pod: B, atMs: 150 },
    ],
    [failure(7400, 'reset', A)],
    4,
    40,
    false,
  );
  assert.deepEqual(
    lines.map((l) => [l.atMs, l.tone, l.text]),
    [
      [7000, 'warn', `${A} SIGKILL`],
      [7005, 'event', `${A} exited code 137, 3.0s after SIGTERM`],
      [7400, 'failure', `1 reset, ${A}: 400ms after SIGKILL`],
      [9000, 'event', `${B} SIGTERM`],
    ],
  );
  assert.deepEqual(logLines(events, [], 0, 40, false), []);
});
