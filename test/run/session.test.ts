import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterDriver, DriverContext, DriverTarget } from '../../src/cluster/driver.js';
import { UsageError } from '../../src/errors.js';
import { runSession, type SessionOptions } from '../../src/run/session.js';
import { loadResults } from '../../src/results/io.js';
import { createFixedClock } from '../../src/results/clock.js';
import { createRecorder } from '../../src/results/recorder.js';
import { formatProgressLine } from '../../src/run/progress.js';
import { createTestIo } from '../helpers.js';
import { answer, freePort, settingsFor, startServer, type TestServer } from '../traffic/harness.js';
import { judgeExit } from '../helpers/traffic-command.js';

/** A driver over a real local server: start brings it up, stop takes it down. */
function serverDriver(calls: string[], port?: number): (ctx: DriverContext) => ClusterDriver {
  return (ctx): ClusterDriver => {
    let server: TestServer | undefined;
    return {
      traits: {},
      async start(): Promise<DriverTarget> {
        calls.push('start');
        if (port !== undefined)
          return { url: `http://127.0.0.1:${port}/`, facts: {}, warnings: [] };
        server = await startServer((_n, _req, res, counts) => answer(res, counts, 200, 'web-1'));
        ctx.emit({ kind: 'pod-ready', pod: 'web-1', atMs: ctx.clock.nowMs() });
        return { url: server.url, facts: { replicas: 1 }, warnings: ['a test driver'] };
      },
      async triggerRollout() {
        calls.push('trigger');
        ctx.emit({
          kind: 'rollout-started',
          revision: '2',
          trigger: 'restart',
          atMs: ctx.clock.nowMs(),
        });
      },
      async waitForRollout() {
        return { status: 'complete', atMs: ctx.clock.nowMs() };
      },
      async stop() {
        calls.push('stop');
        await server?.close();
      },
    };
  };
}

function options(dir: string, over: Partial<SessionOptions>): SessionOptions {
  return {
    io: createTestIo({ cwd: dir }),
    command: 'local',
    mode: 'local',
    params: { replicas: 1 },
    traffic: settingsFor({ ratePerSec: 100, warmupMs: 200, freshPercent: 20 }),
    plan: async () => undefined,
    outPath: join(dir, 'run.json'),
    thresholds: {},
    dashboard: false,
    ...over,
  };
}

test('runSession: driver start → warm-up → plan with phases → driver stop → results with events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-session-'));
  const calls: string[] = [];
  try {
    const io = createTestIo({ cwd: dir });
    const s = await runSession(
      options(dir, {
        io,
        driver: serverDriver(calls),
        plan: async (c) => {
          assert.equal(c.signal.aborted, false);
          assert.ok(c.clock.nowMs() >= c.recordingFromMs, 'the plan starts after the warm-up');
          await c.sleep(300);
          c.setPhase('rollout');
          await c.driver?.triggerRollout({ kind: 'restart' });
          c.note('rolled');
          await c.sleep(300);
          c.setPhase('cooldown');
          await c.sleep(200);
          return 'rollout complete';
        },
      }),
    );
    assert.deepEqual(calls, ['start', 'trigger', 'stop']);
    const r = loadResults(s.outPath);
    // A pass, or inconclusive only because a busy machine held the generator back.
    judgeExit(s.exitCode, r, [0], io.err());
    assert.equal(r.meta.stopReason, 'rollout complete');
    assert.deepEqual(
      r.meta.phases.map((p) => p.phase),
      ['warmup', 'baseline', 'rollout', 'cooldown', 'stopping'],
    );
    assert.deepEqual(
      r.events.map((e) => e.kind),
      ['pod-ready', 'rollout-started', 'note'],
    );
    assert.equal(r.meta.facts.replicas, 1);
    assert.deepEqual(r.meta.warnings, ['a test driver']);
    assert.ok(r.meta.notes.includes('rolled'));
    assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
    assert.ok(r.totals.byPopulation.fresh.sent > 0 && r.totals.byPopulation.keepalive.sent > 0);
    assert.equal(
      r.intervals.reduce((a, i) => a + (i.okByPod['web-1'] ?? 0), 0),
      r.totals.ok,
    );
    assert.match(io.out(), /results: .*run\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runSession: nothing answers → UsageError, and the driver is still stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-session-'));
  const calls: string[] = [];
  try {
    const port = await freePort();
    await assert.rejects(
      runSession(options(dir, { driver: serverDriver(calls, port) })),
      (e: unknown) => e instanceof UsageError && /nothing answers at/.test(e.message),
    );
    assert.deepEqual(calls, ['start', 'stop']);
    assert.equal(existsSync(join(dir, 'run.json')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runSession: an interrupt during the plan ends it, writes results, exit 130; quiet prints no summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-session-'));
  const calls: string[] = [];
  try {
    const io = createTestIo({ cwd: dir });
    setTimeout(() => io.abort(), 600);
    const s = await runSession(
      options(dir, {
        io,
        quiet: true,
        driver: serverDriver(calls),
        plan: async (c) => {
          const completed = await c.sleep(30_000);
          assert.equal(completed, false);
          return 'never';
        },
      }),
    );
    assert.equal(s.exitCode, 130);
    assert.equal(s.results.meta.interrupted, true);
    assert.equal(s.results.meta.stopReason, 'interrupted');
    assert.deepEqual(calls, ['start', 'stop']);
    assert.equal(io.out(), '');
    assert.ok(existsSync(s.outPath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the progress line: elapsed, phase, achieved/target rate, ok, failed by kind, in flight, p99 of the last second', () => {
  const clock = createFixedClock();
  const rec = createRecorder({
    clock,
    command: 'load',
    mode: 'load',
    target: 'x',
    params: {},
    targetRatePerSec: 10,
    warmupMs: 0,
    tickMs: 0,
  });
  assert.match(formatProgressLine(rec.snapshot()) ?? '', /warming up \(not counted\)/);
  rec.markRecording(0);
  rec.setPhase('rollout', 0);
  for (let i = 0; i < 12; i += 1) rec.recordSent(i * 100, 'keepalive');
  for (let i = 0; i < 10; i += 1) {
    const kind = i === 3 ? 'reset' : i === 4 ? 'refused' : 'ok';
    rec.recordOutcome({
      intendedAtMs: i * 100,
      startAtMs: i * 100,
      endAtMs: i * 100 + 4,
      kind,
      connId: 'w0:c1',
      reused: true,
      population: 'keepalive',
    });
  }
  clock.set(1250);
  rec.tick();
  const line = formatProgressLine(rec.snapshot()) ?? '';
  assert.match(
    line,
    /^ +1\.3s {2}rollout {3}rate 10\/10\/s {2}ok 6 {2}failed 2 \(reset 1, refused 1\) {2}in-flight 2 {2}p99 4\.0ms {2}lag p99 0\.0ms$/,
  );
});
