// Progressive rollouts (Argo Rollouts canary and blue-green), table-driven: a
// shutdown race on a pod a step took down becomes that step's own finding; the
// same failures without the step keep their usual cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent, RolloutStepFields } from '../../src/results/events.js';
import type { FindingId } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';
import { stepLines } from '../../src/report/step-lines.js';
import { createTextStyle } from '../../src/report/text-style.js';

const A = '127.0.9.1:8080';
const C = '127.0.9.3:8080';
const REVS = { canaryRevision: 'new', stableRevision: 'old' };
const step = (atMs: number, f: Omit<RolloutStepFields, 'canaryRevision' | 'stableRevision'>): ClusterEvent => ({ kind: 'rollout-step', ...f, ...REVS, atMs });

// Old pod a (behind nginx) is taken down at 3 s: preStop 1 s, SIGTERM at 4 s; the Service drops it at 4 s,
// nginx only at 5 s. Pod c of the new revision is ready at 2.5 s.
const pods: ClusterEvent[] = [
  { kind: 'pod-created', pod: 'a', revision: 'old', atMs: 0 },
  { kind: 'pod-ready', pod: 'a', atMs: 100 },
  { kind: 'ingress', proxy: 'nginx', action: 'started', endpoints: ['a'], upstreams: { [A]: 'a' }, via: 'config', atMs: 500 },
  { kind: 'pod-created', pod: 'c', revision: 'new', atMs: 2000 },
  { kind: 'pod-ready', pod: 'c', atMs: 2500 },
  { kind: 'pod-terminating', pod: 'a', graceMs: 30_000, atMs: 3000 },
  { kind: 'prestop-started', pod: 'a', hook: 'sleep 1s', atMs: 3000 },
  { kind: 'endpoint-not-ready', pod: 'a', terminating: true, atMs: 3000 },
  { kind: 'prestop-finished', pod: 'a', ok: true, atMs: 4000 },
  { kind: 'endpoint-removed', pod: 'a', atMs: 4000 },
  { kind: 'sigterm', pod: 'a', atMs: 4000 },
  { kind: 'exited', pod: 'a', exitCode: 0, signal: null, afterSigtermMs: 20, atMs: 4020 },
  { kind: 'ingress', proxy: 'nginx', action: 'updated', endpoints: ['c'], upstreams: { [C]: 'c' }, via: 'reload', atMs: 5000 },
];
const proxied = (atMs: number) => fail(atMs, 'http_5xx', { status: 502, answeredBy: 'nginx', server: 'nginx', method: 'GET', upstream: A, startAtMs: atMs - 1, reused: true });

const CASES: Array<{ name: string; steps: ClusterEvent[]; cause: FindingId; evidence?: RegExp }> = [
  {
    name: 'no progressive rollout: the ingress still routed a pod that had stopped (ingress-lag)',
    steps: [],
    cause: 'ingress-lag',
  },
  {
    name: 'blue-green: the old set scaled down as the selector switched (stable-scaled-down-early, with the delay it needs)',
    steps: [
      step(2900, { strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100 }),
      step(3000, { strategy: 'blue-green', index: 2, step: 'scale-down', action: 'scale-down', weight: 100, pods: ['a'] }),
    ],
    cause: 'stable-scaled-down-early',
    evidence: /switched at 2\.90 s and the old set was scaled down at 3\.00 s[\s\S]*scaleDownDelaySeconds must be at least 4/,
  },
  {
    name: 'canary: the abort scaled the pod down (abort-drops)',
    steps: [step(3000, { strategy: 'canary', index: 2, step: 'abort', action: 'abort', weight: 0, pods: ['a'] })],
    cause: 'abort-drops',
    evidence: /the abort at canary step 2 \(3\.00 s\) scaled it down/,
  },
  {
    name: 'a step that did not take the pod down changes nothing',
    steps: [step(3000, { strategy: 'blue-green', index: 2, step: 'scale-down', action: 'scale-down', weight: 100, pods: ['other'] })],
    cause: 'ingress-lag',
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const results = makeResults({ durationMs: 9000, events: [...pods, ...c.steps], failures: [proxied(4600), proxied(4700)] });
    const a = analyze(results, { maxErrors: 0 });
    assert.deepEqual(a.attributions.map((x) => x.cause), [c.cause, c.cause]);
    const finding = a.findings.find((f) => f.id === c.cause);
    assert.equal(finding?.failures, 2, a.findings.map((f) => f.id).join(', '));
    if (c.evidence) assert.match(finding.evidence.join('\n'), c.evidence);
  });
}

test('a canary weight step that sent traffic to a new pod before it was ready is weight-before-ready', () => {
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod: 'new-1', revision: 'new', atMs: 5000 },
    step(5000, { strategy: 'canary', index: 0, step: 'setWeight 25%', action: 'set-weight', weight: 25 }),
    { kind: 'pod-ready', pod: 'new-1', atMs: 6100 },
  ];
  const a = analyze(makeResults({ events, failures: [fail(6200, 'refused')] }), { maxErrors: 0 });
  assert.deepEqual(a.attributions.map((x) => x.cause), ['weight-before-ready']);
  assert.match(a.findings[0]?.evidence.join('\n') ?? '', /canary step 0 \(setWeight 25%, weight 25%\): 1 request failed at 6\.20 s/);
  // Without the step the same failure is the new pod's own (not-ready-traffic).
  const plain = analyze(makeResults({ events: events.filter((e) => e.kind !== 'rollout-step'), failures: [fail(6200, 'refused')] }), { maxErrors: 0 });
  assert.deepEqual(plain.attributions.map((x) => x.cause), ['not-ready-traffic']);
});

// Sandbox blue-green with scaleDownDelaySeconds 0: new pod c ready at 2.5 s, the switch at 2.9 s and the old pod a
// scaled down at 3 s; its SIGTERM is known only from its preStop (4 s), and the Service drops it at 5 s. A new
// connection refused at 3.5 s lies in c's start-up window (ready + 2 s) and a's termination window.
test('blue-green: a failure the start-up window pins on a new pod after the switch is the old pod scaled down (stable-scaled-down-early)', () => {
  const events: ClusterEvent[] = [
    { kind: 'pod-created', pod: 'a', revision: 'old', atMs: 0 },
    { kind: 'pod-ready', pod: 'a', atMs: 100 },
    { kind: 'pod-created', pod: 'c', revision: 'new', atMs: 2000 },
    { kind: 'pod-ready', pod: 'c', atMs: 2500 },
    step(2900, { strategy: 'blue-green', index: 1, step: 'switch', action: 'switch', weight: 100 }),
    { kind: 'replicaset-scaled', revision: 'old', role: 'stable', replicas: 0, atMs: 3000 },
    { kind: 'pod-terminating', pod: 'a', graceMs: 30_000, atMs: 3000 },
    { kind: 'prestop-started', pod: 'a', hook: 'sleep 1s', atMs: 3000 },
    { kind: 'sigterm', pod: 'a', atMs: 4000, inferred: true },
    { kind: 'endpoint-removed', pod: 'a', atMs: 5000 },
    { kind: 'exited', pod: 'a', exitCode: 0, signal: null, afterSigtermMs: 20, atMs: 4020 },
  ];
  const failures = [fail(3500, 'reset'), fail(3600, 'reset')];
  const a = analyze(makeResults({ durationMs: 9000, events, failures }), { maxErrors: 0 });
  assert.deepEqual(a.attributions.map((x) => [x.pod, x.cause]), [['a', 'stable-scaled-down-early'], ['a', 'stable-scaled-down-early']]);
  assert.match(a.attributions[0]?.text ?? '', /not c: the blue-green switch waited for every new pod to be available/);
  // The scale-down is the one the ReplicaSet watch saw, not inferred from a's termination.
  assert.match(a.rolloutSteps?.find((s) => s.action === 'scale-down')?.step ?? '', /ReplicaSet scaled to 0/);
  // Without the switch the same failures stay where the windows put them.
  const plain = analyze(makeResults({ durationMs: 9000, events: events.filter((e) => e.kind !== 'rollout-step'), failures }), { maxErrors: 0 });
  assert.deepEqual(plain.attributions.map((x) => x.cause), ['not-ready-traffic', 'not-ready-traffic']);
});

test('a canary step the cluster\'s watch showed only as passed (seenLate) has an empty span and says so; the next step judges its requests', () => {
  const steps = [
    step(3000, { strategy: 'canary', index: 0, step: 'setWeight 25%', action: 'set-weight', weight: 25, seenLate: true }),
    step(3000, { strategy: 'canary', index: 1, step: 'pause 5s', action: 'pause', weight: 25 }),
  ];
  const results = makeResults({ events: [...pods, ...steps], failures: [proxied(3500)], durationMs: 8000 });
  const [late, next] = analyze(results, {}).rolloutSteps ?? [];
  assert.equal(late?.seenLate, true);
  assert.equal(late?.startMs, late?.endMs);
  assert.equal(late?.completed, 0);
  assert.match(late?.reasons[0] ?? '', /began before the cluster's watch showed it \(some time before 3\.00 s\)/);
  assert.equal(next?.seenLate, undefined);
  assert.equal(next?.failures, 1);
  const a = analyze(results, {});
  const lines = stepLines(a, createTextStyle(false), 10, (x) => x);
  assert.match(lines[1] ?? '', /canary 0 setWeight 25%.*0 done, 0 failed; seen late: began before the watch showed it$/);
  assert.doesNotMatch(lines[2] ?? '', /seen late/);
});
