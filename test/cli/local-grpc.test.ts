// test-lane: slow: real rollouts of gRPC pods (Python grpcio, the demo app) probed by gRPC
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { createTestIo } from '../helpers.js';
import type { ClusterEvent } from '../../src/results/events.js';
import { processesWithEnv } from '../cluster/local/harness.js';
import { runTrafficCommand, type TrafficCommandRun } from '../helpers/traffic-command.js';

type T = { after(fn: () => void | Promise<void>): void };
const PY_SERVER = join(import.meta.dirname, '..', 'cluster', 'local', 'grpc-health-server.py');

async function runLocal(t: T, args: string[]): Promise<TrafficCommandRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-local-grpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = await runTrafficCommand(['local', ...args, '--replicas', '2', '--rate', '60', '--cooldown', '1s', '--no-dashboard'], { dir, exits: [0, 1] });
  const pods = run.results.events.flatMap((e) => (e.kind === 'pod-created' ? [e.pod] : []));
  for (const pod of pods) assert.deepEqual(processesWithEnv('POD_NAME', pod), [], `processes of ${pod} left`);
  return run;
}

/** SIGTERM_CROSSING_MS is how long before a pod's SIGTERM a request may start and still meet its NOT_SERVING. */
const SIGTERM_CROSSING_MS = 1000;

const at = (events: ClusterEvent[], kind: ClusterEvent['kind'], pod: string): number | undefined =>
  events.find((e) => e.kind === kind && 'pod' in e && e.pod === pod)?.atMs;

test('rollcheck local --protocol grpc on Python grpcio pods with no HTTP/1.1 endpoint: readiness is the gRPC health check, a NOT_SERVING pod gets no traffic', async (t) => {
  // Each pod answers NOT_SERVING for its first 1.5 s: a TCP or HTTP probe would pass it early and
  // send it health checks it fails; the gRPC probe holds it out of the Service until SERVING.
  const { results } = await runLocal(t, [
    '--cmd', `exec /usr/bin/python3 ${PY_SERVER}`, '--protocol', 'grpc', '--env', 'GRPC_TEST_READY_AFTER_MS=1500',
    '--prestop-sleep', '1500ms', '--grace-period', '6s', '--readiness-period', '200ms',
  ]);
  const { events, totals, failures, meta } = results;
  assert.equal((meta.params as Record<string, unknown>).readiness, 'gRPC grpc.health.v1.Health/Check');
  const pods = events.flatMap((e) => (e.kind === 'pod-created' ? [e.pod] : []));
  assert.equal(pods.length, 4, 'two pods, then their two replacements');
  for (const pod of pods) {
    const started = at(events, 'pod-started', pod);
    const ready = at(events, 'pod-ready', pod);
    assert.ok(started !== undefined && ready !== undefined, `${pod} became ready`);
    assert.ok(ready - started >= 1400, `${pod} ready ${ready - started} ms after start: not before SERVING`);
  }
  assert.ok(totals.ok > 100, `ok ${totals.ok}`);
  assert.equal(totals.sent, totals.ok + totals.failed + totals.inFlightAtStop + (totals.queueExpired ?? 0));
  // A draining pod says NOT_SERVING too (after its SIGTERM): only a pod not yet ready must never be asked.
  // A request the client started just before the SIGTERM can reach the server just after it (one CI
  // run on busy cores had one): a pod asked before it was ready would answer NOT_SERVING for its first
  // 1.5 s of life, seconds before its SIGTERM, so a second's margin tells the two apart.
  const early = failures.filter((f) => {
    if (!/NOT_SERVING/.test(`${f.errorCode ?? ''} ${f.message ?? ''}`)) return false;
    const sigtermAtMs = f.pod === undefined ? undefined : at(events, 'sigterm', f.pod);
    return sigtermAtMs === undefined || f.startAtMs < sigtermAtMs - SIGTERM_CROSSING_MS;
  });
  assert.deepEqual(early, [], 'no request reached a pod before its readiness probe passed');
});

test('rollcheck local --app demo --protocol grpc: the demo speaks gRPC by itself, ready by the gRPC probe, answers Work with its pod', async (t) => {
  const { results } = await runLocal(t, [
    '--app', 'demo', '--protocol', 'grpc', '--grpc-method', 'rollcheck.demo.Demo/Work', '--pod-header', 'x-pod-name',
    '--prestop-sleep', '1s', '--grace-period', '5s',
  ]);
  const { events, totals, meta } = results;
  assert.equal((meta.params as Record<string, unknown>).readiness, 'gRPC grpc.health.v1.Health/Check');
  assert.equal(events.filter((e) => e.kind === 'pod-ready').length >= 4, true);
  assert.ok(totals.ok > 100, `ok ${totals.ok}`);
  for (const e of events) {
    if (e.kind === 'pod-created' && e.logPath) assert.match(readFileSync(e.logPath, 'utf8'), /listening on .* \(protocol grpc,/, `${e.pod} speaks gRPC`);
  }
});

test('rollcheck local: --readiness and --readiness-path together, and a bad --readiness, are one-line usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-local-grpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [args, message] of [
    [['--readiness', 'tcp', '--readiness-path', '/x'], /--readiness and --readiness-path: give only one of them/],
    [['--readiness', 'exec'], /--readiness: "exec" is not a probe; use http:\/healthz, tcp, grpc or grpc:SERVICE/],
  ] as const) {
    const io = createTestIo({ cwd: dir });
    assert.equal(await runCli(['local', '--app', 'demo', ...args], io), 2);
    assert.match(io.err(), message);
    assert.equal(io.err().trim().split('\n').length, 1, io.err());
  }
});
