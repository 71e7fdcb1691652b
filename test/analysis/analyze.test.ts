import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { FailureRecord, FindingId, Thresholds } from '../../src/results/types.js';
import { fail, gracefulPodEvents, makeResults, pid1Event, shellPodEvents, type ResultsSpec } from './fixtures.js';

interface Case {
  name: string;
  failures: FailureRecord[];
  events: ClusterEvent[];
  thresholds?: Thresholds;
  stopReason?: string;
  podTraffic?: ResultsSpec['podTraffic'];
  durationMs?: number;
  /** expected findings: id → failures counted. */
  findings: Partial<Record<FindingId, number>>;
  pass: boolean;
  /** substrings expected in the attribution texts, in failure order. */
  texts?: string[];
  /** expected analysis warnings (each must match one). */
  warnings?: RegExp[];
}

const POD = 'demo-7f9c-x2k4q';

/** kubeExit137 is what the kube driver sees of a pod that exits 137 one grace period after its (inferred) SIGTERM. */
function kubeExit137(): ClusterEvent[] {
  return [
    { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
    { kind: 'pod-ready', pod: POD, atMs: -8000 },
    { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
    { kind: 'sigterm', pod: POD, atMs: 2000, inferred: true },
    { kind: 'exited', pod: POD, exitCode: 137, signal: null, afterSigtermMs: 30_005, atMs: 32_005 },
  ];
}

const cases: Case[] = [
  {
    name: 'no failures, no events: pass, nothing found',
    failures: [],
    events: [],
    findings: {},
    pass: true,
  },
  {
    name: 'failures with no events are unrelated to the rollout',
    failures: [fail(1000, 'http_5xx', { status: 503 }), fail(4000, 'timeout')],
    events: [],
    findings: { 'unrelated-errors': 2 },
    pass: false,
    texts: ['HTTP 503; no pod event within 2.0 s: not explained by the rollout', 'timeout; no pod event'],
  },
  {
    name: 'shell PID 1: resets at the SIGKILL, attributed by connection',
    failures: [
      fail(5004, 'reset', { pod: POD, reused: true }),
      fail(5004.5, 'reset', { pod: POD, reused: true }),
      fail(5006, 'reset', { reused: false }),
    ],
    events: shellPodEvents(POD, 2000),
    findings: { 'sigterm-ignored': 3 },
    pass: false,
    texts: [`reset 1 ms after ${POD} was killed by SIGKILL (exit 137), 3.0 s after its SIGTERM`],
  },
  {
    name: 'a shell pod without failures still gets sigterm-ignored (rollout slowed), verdict passes',
    failures: [],
    events: shellPodEvents(POD, 2000),
    findings: { 'sigterm-ignored': 0 },
    pass: true,
  },
  {
    name: 'no preStop: new connections refused between SIGTERM and endpoint removal',
    failures: [fail(2100, 'refused'), fail(2300, 'reset'), fail(2700, 'refused')],
    events: gracefulPodEvents(POD, 2000, { drainMs: 1500, endpointLagMs: 1000 }),
    findings: { 'no-prestop-drain': 3 },
    pass: false,
    texts: [`refused 99 ms after ${POD} got SIGTERM`],
  },
  {
    name: 'keep-alive cut at SIGTERM, counted separately for retrying clients',
    failures: [
      fail(3001.5, 'closed_before_response', { pod: POD, reused: true }),
      fail(3002, 'reset', { pod: POD, reused: true }),
    ],
    events: gracefulPodEvents(POD, 1000, { preStopMs: 2000, drainMs: 5 }),
    findings: { 'keepalive-reset': 2 },
    pass: false,
  },
  {
    name: 'overlapping terminations: each failure goes to the pod with the nearest event',
    failures: [fail(2010, 'refused'), fail(2610, 'refused')],
    events: [...gracefulPodEvents('a', 2000, { drainMs: 3000 }), ...gracefulPodEvents('b', 2600, { drainMs: 3000 })],
    findings: { 'no-prestop-drain': 2 },
    pass: false,
    texts: ['a got SIGTERM', 'b got SIGTERM'],
  },
  {
    name: 'a new pod failing right after it was marked ready',
    failures: [fail(6200, 'refused'), fail(6300, 'http_5xx', { status: 502, pod: 'new-1' })],
    events: [
      { kind: 'pod-created', pod: 'new-1', revision: 'r2', atMs: 5000 },
      { kind: 'pod-ready', pod: 'new-1', atMs: 6100 },
    ],
    findings: { 'not-ready-traffic': 1, 'unrelated-errors': 1 },
    pass: false,
    texts: ['refused 100 ms after new-1 became ready', 'HTTP 502 200 ms after new-1 became ready'],
  },
  {
    name: 'a failed rollout fails the verdict even without request failures',
    failures: [],
    events: [{ kind: 'rollout-failed', reason: 'progress deadline exceeded', atMs: 9000 }],
    findings: { 'rollout-failed': 0 },
    pass: false,
  },
  {
    name: 'a timed-out rollout (stop reason only) fails the verdict',
    failures: [],
    events: [],
    stopReason: 'rollout timed out after 60 s',
    findings: { 'rollout-failed': 0 },
    pass: false,
  },
  {
    name: 'a lost watch is reported; errors within limits pass',
    failures: [fail(500, 'reset')],
    events: [
      { kind: 'watch-lost', resource: 'pods', error: 'ECONNRESET', atMs: 100 },
      { kind: 'watch-resumed', resource: 'pods', relisted: true, atMs: 900 },
    ],
    thresholds: { maxErrors: 1 },
    findings: { 'watch-lost': 0, 'unrelated-errors': 1 },
    pass: true,
  },
  {
    name: 'failure exactly at an event time, event times out of order',
    failures: [fail(3000, 'reset', { pod: POD, reused: true })],
    events: [...shellPodEvents(POD, 0, 3000 - 1)].reverse(),
    findings: { 'sigterm-ignored': 1 },
    pass: false,
  },
  {
    name: 'kube driver: no SIGKILL seen, but exit 137 one grace period after the (inferred) SIGTERM',
    failures: [fail(32_010, 'reset', { pod: POD, reused: true })],
    events: kubeExit137(),
    podTraffic: [{ pod: POD }],
    durationMs: 40_000,
    findings: { 'sigterm-ignored': 1 },
    pass: false,
    texts: [`reset 5 ms after ${POD} exited with code 137, 30 s after its SIGTERM`],
  },
  {
    name: 'kube, PID 1 not inspected, no traffic on the pod to tell: not accused of ignoring SIGTERM',
    failures: [fail(32_010, 'reset', { pod: POD, reused: true })],
    events: kubeExit137(),
    durationMs: 40_000,
    findings: { 'grace-too-short': 1 },
    pass: false,
  },
  {
    name: 'kube, PID 1 not inspected: it stopped answering at SIGTERM but drained past the grace period',
    failures: [fail(32_010, 'reset', { pod: POD, reused: true })],
    events: kubeExit137(),
    podTraffic: [{ pod: POD, toMs: 2200 }, { pod: 'other' }],
    durationMs: 40_000,
    findings: { 'grace-too-short': 1 },
    pass: false,
  },
  {
    name: 'python3 as PID 1 without a SIGTERM handler: sigterm-ignored',
    failures: [fail(5004, 'reset', { pod: POD, reused: true })],
    events: [
      ...shellPodEvents(POD, 2000).filter((e) => e.kind !== 'pid1'),
      pid1Event(POD, -3999, { exe: '/usr/bin/python3.11', argv: ['python3', '-m', 'http.server'], role: 'app', sigterm: 'default', children: [] }),
    ],
    findings: { 'sigterm-ignored': 1 },
    pass: false,
  },
  {
    // The watch saw the deletion 300 ms late and the exit on time: SIGTERM → SIGKILL reads 1.7 s of a 2 s grace
    // period. The kubelet kills at the grace period, so the pod had all 2 s: not too short to tell.
    name: 'python3 as PID 1 on a cluster, its deletion seen late by the watch: still sigterm-ignored, not grace-too-short',
    failures: [fail(5004, 'reset', { pod: POD, reused: true })],
    events: [
      { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
      { kind: 'pod-ready', pod: POD, atMs: -8000 },
      pid1Event(POD, -3999, { exe: '/usr/bin/python3.11', argv: ['python3', '-m', 'http.server'], role: 'app', sigterm: 'default', children: [] }),
      { kind: 'pod-terminating', pod: POD, graceMs: 2000, atMs: 3300, reason: 'deleted', serverTime: '2026-12-07T11:00:03Z' },
      { kind: 'sigterm', pod: POD, atMs: 3300, inferred: true },
      { kind: 'sigkill', pod: POD, atMs: 5000, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 1700, atMs: 5000, serverTime: '2026-12-07T11:00:05Z' },
    ],
    findings: { 'sigterm-ignored': 1 },
    pass: false,
  },
  {
    name: 'an app that handles SIGTERM, SIGKILLed 100 ms after it (short grace): grace-too-short, never sigterm-ignored',
    failures: [fail(2102, 'reset', { pod: POD, reused: true })],
    events: [
      ...shellPodEvents(POD, 2000, 100).filter((e) => e.kind !== 'pid1'),
      pid1Event(POD, -3999, { exe: '/usr/bin/node', argv: ['node', 'app.mjs'], role: 'app', sigterm: 'handled', children: [] }),
    ],
    findings: { 'grace-too-short': 1 },
    pass: false,
  },
  {
    name: 'a preStop sleep longer than the grace period: prestop-exceeds-grace',
    failures: [fail(34_003, 'reset', { pod: POD, reused: true })],
    events: [
      { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
      { kind: 'pod-ready', pod: POD, atMs: -8000 },
      pid1Event(POD, -8000, { exe: '/usr/bin/node', argv: ['node', 'app.mjs'], role: 'app', sigterm: 'handled', children: [] }),
      { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
      { kind: 'prestop-started', pod: POD, hook: 'sleep 40s', atMs: 2001 },
      { kind: 'prestop-finished', pod: POD, ok: false, error: 'the grace period ran out during the preStop hook', atMs: 32_000 },
      { kind: 'sigterm', pod: POD, atMs: 32_001 },
      { kind: 'endpoint-removed', pod: POD, atMs: 3000 },
      { kind: 'sigkill', pod: POD, atMs: 34_001 },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 2001, atMs: 34_002 },
    ],
    findings: { 'prestop-exceeds-grace': 1 },
    pass: false,
  },
  {
    name: 'a crash (exit 1, no SIGTERM): pod-crashed, not keepalive-reset',
    failures: [fail(5001, 'closed_before_response', { pod: POD, reused: true }), fail(5300, 'refused')],
    events: [
      { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
      { kind: 'pod-ready', pod: POD, atMs: -8000 },
      { kind: 'exited', pod: POD, exitCode: 1, signal: null, afterSigtermMs: null, reason: 'crashed', atMs: 5000 },
      { kind: 'endpoint-removed', pod: POD, atMs: 6000 },
    ],
    findings: { 'pod-crashed': 1, 'unrelated-errors': 1 },
    pass: false,
  },
  {
    name: 'a SIGKILL without SIGTERM (a crash injected by kill-pod): pod-crashed',
    failures: [fail(5001, 'reset', { pod: POD, reused: true })],
    events: [
      { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
      { kind: 'pod-ready', pod: POD, atMs: -8000 },
      { kind: 'sigkill', pod: POD, atMs: 5000 },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: null, atMs: 5000.5 },
    ],
    findings: { 'pod-crashed': 1 },
    pass: false,
  },
  {
    name: 'in both windows, the old pod still serving in its preStop: the new pod that just became ready is to blame',
    failures: [fail(3300, 'refused'), fail(3500, 'reset')],
    events: [
      ...gracefulPodEvents(POD, 3000, { preStopMs: 2000 }),
      { kind: 'pod-created', pod: 'new-1', revision: 'r2', atMs: 2000 },
      { kind: 'pod-ready', pod: 'new-1', atMs: 2900 },
    ],
    findings: { 'not-ready-traffic': 2 },
    pass: false,
  },
  {
    name: 'in both windows, the old pod SIGTERMed and still routed, the new pod serving: the old pod (no preStop)',
    failures: [fail(3300, 'refused')],
    events: [
      ...gracefulPodEvents(POD, 3000, { endpointLagMs: 1000 }),
      { kind: 'pod-created', pod: 'new-1', revision: 'r2', atMs: 2000 },
      { kind: 'pod-ready', pod: 'new-1', atMs: 2900 },
    ],
    findings: { 'no-prestop-drain': 1 },
    pass: false,
  },
  {
    name: 'in both windows, the old pod SIGTERMed and still routed, the new pod not ready again: ambiguous, pinned on neither',
    failures: [fail(3300, 'refused')],
    events: [
      ...gracefulPodEvents(POD, 3000, { endpointLagMs: 1000 }),
      { kind: 'pod-created', pod: 'new-1', revision: 'r2', atMs: 2000 },
      { kind: 'pod-ready', pod: 'new-1', atMs: 2900 },
      { kind: 'pod-not-ready', pod: 'new-1', atMs: 3500 },
    ],
    // Not "unrelated": the rollout explains it, only not which pod. No finding claims it; a warning says why.
    findings: {},
    pass: false,
    texts: ['ambiguous: demo-7f9c-x2k4q was terminating but still routed, and new-1 had just become ready and gone not-ready again'],
    warnings: [/^1 failure fell while a terminating pod was still routed and a new pod had just gone not-ready again: either could explain it, so no finding claims it/],
  },
  {
    name: 'pods killed because the run was ending are never a finding',
    failures: [],
    events: shellPodEvents(POD, 9950, 2000).map((e) => (e.kind === 'pod-terminating' ? { ...e, reason: 'rollcheck is stopping' } : e)),
    findings: {},
    pass: true,
  },
  {
    name: 'exit 137 long before the grace period (OOM kill) is not an ignored SIGTERM',
    failures: [fail(5010, 'reset', { pod: POD, reused: true })],
    events: [
      { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
      { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
      { kind: 'sigterm', pod: POD, atMs: 2000, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 137, signal: null, afterSigtermMs: 3000, atMs: 5000 },
    ],
    findings: { 'keepalive-reset': 1 },
    pass: false,
  },
];

for (const c of cases) {
  test(`analyze: ${c.name}`, () => {
    const r = makeResults({ failures: c.failures, events: c.events, stopReason: c.stopReason, podTraffic: c.podTraffic, durationMs: c.durationMs });
    const a = analyze(r, c.thresholds ?? { maxErrors: 0 });
    const got = Object.fromEntries(a.findings.map((f) => [f.id, f.failures]));
    assert.deepEqual(got, c.findings);
    assert.equal(a.verdict.pass, c.pass, a.verdict.reasons.join('; '));
    assert.equal(a.attributions.length, c.failures.length);
    c.texts?.forEach((t, i) => {
      const text = a.attributions[i]?.text ?? '';
      assert.ok(text.includes(t), `attribution ${i}: "${text}" should include "${t}"`);
    });
    for (const w of c.warnings ?? []) assert.ok((a.warnings ?? []).some((x) => w.test(x)), `a warning matches ${w}: ${JSON.stringify(a.warnings)}`);
    const ambiguous = (c.texts ?? []).filter((t) => t.startsWith('ambiguous')).length;
    assert.equal(a.attributions.filter((x) => x.how === 'ambiguous').length, ambiguous, 'ambiguous attributions say so in `how`');
    for (const f of a.findings) {
      assert.ok(f.fix.length > 20 && f.evidence.length > 0 && f.title.length > 0, f.id);
    }
  });
}

test('analyze: keepalive-reset says how many a retrying client would hide', () => {
  const events = gracefulPodEvents(POD, 1000, { preStopMs: 2000, drainMs: 5 });
  const failures = [
    fail(3001.5, 'closed_before_response', { pod: POD, reused: true }),
    fail(3002, 'reset', { pod: POD, reused: true }),
    fail(3003, 'other', { pod: POD, reused: true }),
  ];
  const get = (method: string) =>
    analyze(makeResults({ failures, events, method }), {}).findings.find((f) => f.id === 'keepalive-reset');
  assert.deepEqual(get('GET')?.data, { hiddenByRetry: 2, seenWithoutRetry: 3, method: 'GET' });
  assert.equal(get('POST')?.data?.hiddenByRetry, 0);
  assert.match(get('GET')?.evidence.at(-1) ?? '', /would have hidden 2 of 3.*sees all 3/);
});

test('analyze: verdict thresholds each give a reason', () => {
  const failures = Array.from({ length: 50 }, (_, i) => fail(2000 + i * 10, 'refused'));
  const r = makeResults({ failures, p99Ms: 300 });
  const a = analyze(r, { maxErrors: 10, maxErrorRate: 0.001, maxP99Ms: 250, maxOutageMs: 100 });
  assert.equal(a.verdict.pass, false);
  assert.equal(a.verdict.reasons.length, 4, a.verdict.reasons.join('\n'));
  assert.match(a.verdict.reasons.join('\n'), /50 failed requests.*--max-errors/);
  assert.match(a.verdict.reasons.join('\n'), /longest outage 500 ms/);
  assert.equal(a.longestOutageMs, 500);
  const ok = analyze(r, { maxErrors: 100, maxErrorRate: 0.5, maxP99Ms: 1000, maxOutageMs: 1000 });
  assert.equal(ok.verdict.pass, true);
  assert.equal(ok.verdict.reasons.length, 4);
});

test('analyze: attributions are capped but findings count every failure', () => {
  const failures = Array.from({ length: 10_050 }, (_, i) => fail(1000 + i * 0.5, 'http_5xx', { status: 500 }));
  const a = analyze(makeResults({ failures, ratePerSec: 2000, durationMs: 7000 }), { maxErrors: 0 });
  assert.equal(a.attributions.length, 10_000);
  assert.equal(a.attributionsOmitted, 50);
  assert.equal(a.findings.find((f) => f.id === 'unrelated-errors')?.failures, 10_050);
});

test('analyze: a pod header value naming no pod falls back to the windows, with a warning', () => {
  const events = shellPodEvents(POD, 2000);
  const r = makeResults({ failures: [fail(5004, 'reset', { pod: 'some-host', reused: true })], events, podTraffic: [{ pod: 'some-host' }] });
  const a = analyze(r, { maxErrors: 0 });
  assert.equal(a.attributions[0]?.pod, POD, 'the pod whose termination window holds it');
  assert.equal(a.attributions[0]?.how, 'termination-window');
  assert.deepEqual(a.findings.map((f) => f.id), ['sigterm-ignored']);
  assert.match(a.warnings?.join('\n') ?? '', /1 failure carried a `x-pod-name` value that names no pod of the run \(`some-host`\)/);
});

test('analyze: no pod header ever seen: one warning naming how to add one', () => {
  const r = makeResults({ failures: [fail(5004, 'reset', { reused: true })], events: shellPodEvents(POD, 2000) });
  const a = analyze(r, { maxErrors: 0 });
  assert.equal(a.warnings?.length, 1);
  assert.match(a.warnings?.[0] ?? '', /no response named its pod in the `x-pod-name` header.*--pod-header/);
  const seen = analyze(makeResults({ events: shellPodEvents(POD, 2000), podTraffic: [{ pod: POD }] }), {});
  assert.equal(seen.warnings, undefined);
});
