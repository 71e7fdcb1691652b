// Analysis on what a real cluster shows: terminating endpoints that stay in the
// slice until the pod object is gone, other containers exiting on their own, an
// unknown SIGTERM time after an exec preStop, a force delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/index.js';
import type { ClusterEvent } from '../../src/results/events.js';
import type { FailureRecord, FindingId } from '../../src/results/types.js';
import { fail, makeResults } from './fixtures.js';

const POD = 'demo-7f9c-x2k4q';
const born: ClusterEvent[] = [
  { kind: 'pod-created', pod: POD, revision: 'r1', atMs: -9000 },
  { kind: 'pod-ready', pod: POD, atMs: -8000 },
  { kind: 'endpoint-added', pod: POD, atMs: -7900 },
];

interface Case {
  name: string;
  failures: FailureRecord[];
  events: ClusterEvent[];
  findings: Partial<Record<FindingId, number>>;
  evidence?: RegExp;
}

const cases: Case[] = [
  {
    name: 'no preStop on a cluster: routing stops as the slice turns the endpoint terminating, not when the pod object is deleted seconds later',
    failures: [fail(2100, 'refused'), fail(2500, 'refused'), fail(6000, 'refused')],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
      { kind: 'endpoint-not-ready', pod: POD, terminating: true, atMs: 2010 },
      { kind: 'sigterm', pod: POD, atMs: 2000, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 0, signal: null, afterSigtermMs: 200, atMs: 2200 },
      { kind: 'endpoint-removed', pod: POD, atMs: 9000 },
      { kind: 'pod-deleted', pod: POD, atMs: 9000 },
    ],
    findings: { 'no-prestop-drain': 2, 'unrelated-errors': 1 },
    evidence: /its endpoint turned terminating \(ready: false\) at 2\.01 s, 10 ms after its SIGTERM/,
  },
  {
    name: 'a proxy container that exits at SIGTERM while the app sleeps in its preStop: sidecar-exited-first, not no-prestop-drain',
    failures: [fail(2100, 'refused'), fail(2600, 'refused'), fail(3400, 'reset')],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
      { kind: 'endpoint-not-ready', pod: POD, terminating: true, atMs: 2010 },
      { kind: 'prestop-started', pod: POD, hook: 'sleep 2s', atMs: 2000, inferred: true },
      { kind: 'exited', pod: POD, container: 'proxy', exitCode: 0, signal: null, afterSigtermMs: null, atMs: 2050 },
      { kind: 'prestop-finished', pod: POD, ok: true, atMs: 4000, inferred: true },
      { kind: 'sigterm', pod: POD, atMs: 4000, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 0, signal: null, afterSigtermMs: 100, atMs: 4100 },
      { kind: 'pod-deleted', pod: POD, atMs: 4200 },
    ],
    findings: { 'sidecar-exited-first': 3 },
    evidence: /container "proxy" exited at 2\.05 s \(exit 0\); the app container exited only at 4\.10 s/,
  },
  {
    name: 'an exec preStop of unknown length: SIGTERM is told as an interval, never a millisecond',
    failures: [fail(3100, 'refused')],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 30_000, atMs: 2000 },
      { kind: 'prestop-started', pod: POD, hook: 'exec /bin/drain', atMs: 2000, inferred: true },
      { kind: 'endpoint-not-ready', pod: POD, terminating: true, atMs: 2010 },
      { kind: 'sigterm', pod: POD, atMs: 2000, latestMs: 3050, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 0, signal: null, afterSigtermMs: 0, atMs: 3050 },
    ],
    findings: { 'no-prestop-drain': 1 },
    evidence: /SIGTERM at an unknown moment between 2\.00 s and 3\.05 s/,
  },
  {
    name: 'a force delete that ends in exit 137 is not an ignored SIGTERM',
    failures: [fail(2100, 'reset', { reused: true })],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 0, reason: 'force-deleted', atMs: 2000 },
      { kind: 'force-deleted', pod: POD, graceMs: 0, atMs: 2000 },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: null, atMs: 2090 },
    ],
    findings: { 'keepalive-reset': 1 },
  },
  {
    // The watch saw the deletion 300 ms after the kubelet began the grace period, so the SIGKILL
    // deduced from it (deletion seen + grace) falls 300 ms after the real one that cut these.
    name: 'a SIGKILL deduced from the watch lags the real one: the connections it cut still count as the kill\'s',
    failures: [fail(6720, 'reset', { reused: true }), fail(6730, 'reset', { reused: true }), fail(6760, 'refused')],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 5000, atMs: 2000 },
      { kind: 'endpoint-not-ready', pod: POD, terminating: true, atMs: 2010 },
      { kind: 'sigterm', pod: POD, atMs: 2000, inferred: true },
      { kind: 'sigkill', pod: POD, atMs: 7000, inferred: true },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 5200, atMs: 7200 },
    ],
    // No ok traffic in this fixture to tell an ignored SIGTERM from a short grace: the kill is what counts here.
    findings: { 'grace-too-short': 3 },
  },
  {
    // The same failures with the kill observed (the embedded runtime sent it): 280 ms before a
    // SIGKILL known to the millisecond, a reset on a kept connection is the endpoint race's.
    name: 'before a SIGKILL the runtime itself sent, the slack stays a few milliseconds',
    failures: [fail(6720, 'reset', { reused: true })],
    events: [
      ...born,
      { kind: 'pod-terminating', pod: POD, graceMs: 5000, atMs: 2000 },
      { kind: 'endpoint-removed', pod: POD, atMs: 2010 },
      { kind: 'sigterm', pod: POD, atMs: 2000 },
      { kind: 'sigkill', pod: POD, atMs: 7000 },
      { kind: 'exited', pod: POD, exitCode: 137, signal: 'SIGKILL', afterSigtermMs: 5000, atMs: 7001 },
    ],
    findings: { 'grace-too-short': 0, 'keepalive-reset': 1 },
  },
];

for (const c of cases) {
  test(`analyze (cluster semantics): ${c.name}`, () => {
    const a = analyze(makeResults({ failures: c.failures, events: c.events }), { maxErrors: 0 });
    assert.deepEqual(Object.fromEntries(a.findings.map((f) => [f.id, f.failures])), c.findings);
    if (c.evidence) {
      const text = a.findings.flatMap((f) => f.evidence).join('\n');
      assert.match(text, c.evidence);
    }
  });
}
