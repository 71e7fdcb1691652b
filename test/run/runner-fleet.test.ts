// test-lane: slow: runner processes with real traffic phases
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSession, type SessionOptions } from '../../src/run/session.js';
import { createRunnerFleet, type RunnerChannel, type RunnerLauncher } from '../../src/run/runner-fleet.js';
import { createLocalRunners } from '../../src/run/local-runners.js';
import type { Results } from '../../src/results/types.js';
import { compactTotal } from '../../src/results/service-buckets.js';
import { createTestIo } from '../helpers.js';
import { generatorBehind } from '../../src/analysis/generator-lag.js';
import { noteBehind } from '../helpers/traffic-command.js';
import { answer, settingsFor, startServer, type TestServer } from '../traffic/harness.js';

const RATE = 300;
const STEADY_MS = 2500;

/** A load-like session: warm-up, then STEADY_MS of traffic, optionally from N local runner processes. */
function session(dir: string, url: string, name: string, fleet?: { count: number; launcher: RunnerLauncher }, during?: (nowMs: () => number) => Promise<void>): SessionOptions {
  return {
    io: createTestIo({ cwd: dir }),
    command: 'load',
    mode: 'load',
    params: {},
    url,
    traffic: settingsFor({ ratePerSec: RATE, warmupMs: 500, freshPercent: 20, connections: 6 }),
    plan: async (control) => {
      control.setPhase('steady');
      const endAtMs = control.recordingFromMs + STEADY_MS;
      control.endTrafficAt(endAtMs);
      await during?.(() => control.clock.nowMs());
      await control.sleepUntil(endAtMs);
    },
    outPath: join(dir, `${name}.json`),
    thresholds: {},
    dashboard: false,
    quiet: true,
    ...(fleet ? { fleet: (f) => createRunnerFleet({ ...f, ...fleet, maxRunMs: 60_000 }) } : {}),
  };
}

/** watched wraps a launcher to hand the test its channels (to kill one runner). */
function watched(launcher: RunnerLauncher, seen: RunnerChannel[]): RunnerLauncher {
  return {
    startDelayMs: launcher.startDelayMs,
    clockMethod: launcher.clockMethod,
    cleanup: () => launcher.cleanup(),
    launch: async (specs, signal) => {
      const channels = await launcher.launch(specs, signal);
      seen.push(...channels);
      return channels;
    },
  };
}

function assertAccounts(r: Results): void {
  const t = r.totals;
  assert.equal(t.sent, t.ok + t.failed + t.inFlightAtStop, 'total: sent = ok + failed + in flight');
  for (const run of r.meta.runners ?? []) {
    assert.equal(run.sent, run.ok + run.failed + run.inFlightAtStop, `runner ${run.index}: sent = ok + failed + in flight`);
  }
}

// withinOfSchedule: the run sent what its rate asks over the recorded span, unless its own lag
// figures say the generator fell behind (a starved machine sends late and less; that is what
// generatorBehind reports, and the accounting checks hold either way).
function withinOfSchedule(r: Results, tolerance: number): void {
  const behind = generatorBehind(r);
  if (behind !== null) return noteBehind(`the send-on-schedule check skipped: ${behind}`);
  const spanS = ((r.meta.recordedToMs ?? 0) - (r.meta.recordedFromMs ?? 0)) / 1000;
  const expected = RATE * spanS;
  assert.ok(Math.abs(r.totals.sent - expected) <= expected * tolerance, `sent ${r.totals.sent} vs ${expected.toFixed(0)} (${RATE}/s × ${spanS.toFixed(3)} s)`);
}

test('runners: 3 runner processes merge into the same accounting as one process, failures keep their runner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-runners-'));
  // Every 7th request is a 503: failures on every runner, exactly counted.
  const server: TestServer = await startServer((n, _req, res, counts) => answer(res, counts, n % 7 === 0 ? 503 : 200, 'web-1'));
  try {
    const single = (await runSession(session(dir, server.url, 'single'))).results;
    const merged = (await runSession(session(dir, server.url, 'merged', { count: 3, launcher: createLocalRunners() }))).results;
    for (const r of [single, merged]) {
      assertAccounts(r);
      withinOfSchedule(r, 0.05);
      assert.ok(r.totals.failed > 0 && r.totals.byKind.http_5xx === r.totals.failed);
      // Per-pod service-time distributions cross the runners' NDJSON and merge: one count per ok answer, interval by interval.
      for (const i of r.intervals) assert.equal(compactTotal(i.okServiceBucketsByPod?.['web-1'] ?? []), i.okByPod['web-1'] ?? 0, `interval at ${i.atMs} ms`);
    }
    assert.equal(single.meta.runners, undefined);
    const runners = merged.meta.runners ?? [];
    assert.equal(runners.length, 3);
    assert.deepEqual(runners.map((x) => x.status), ["finished", "finished", "finished"], JSON.stringify(runners.map((x) => x.lostReason)));
    for (const k of ['sent', 'ok', 'failed', 'inFlightAtStop'] as const) {
      assert.equal(runners.reduce((a, x) => a + x[k], 0), merged.totals[k], `runners' ${k} add up to the total`);
    }
    for (const x of runners) {
      assert.equal(x.ratePerSec, RATE / 3);
      assert.ok(x.clock.uncertaintyMs >= 0 && Math.abs(x.clock.offsetMs) <= x.clock.uncertaintyMs + 50, `runner ${x.index} clock ${JSON.stringify(x.clock)}`);
      assert.equal(merged.failures.filter((f) => f.runner === x.index).length, x.failed);
    }
    assert.ok(merged.failures.every((f) => f.runner !== undefined));
    // Connection ids stay unique across runners: each runner numbers its own.
    assert.equal(new Set(merged.failures.map((f) => f.connId.split(':')[0])).size, 3);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runners: a runner killed mid-run loses its share from that moment, and nothing else is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-runners-'));
  const server = await startServer((_n, _req, res, counts) => answer(res, counts, 200, 'web-1'));
  const channels: RunnerChannel[] = [];
  try {
    let killedAtMs = 0;
    const killOne = async (nowMs: () => number): Promise<void> => {
      await new Promise((r) => setTimeout(r, 1000));
      const pid = Number(channels[1]?.name.replace('pid ', ''));
      killedAtMs = nowMs();
      process.kill(pid, 'SIGKILL');
    };
    const s = await runSession(session(dir, server.url, 'killed', { count: 3, launcher: watched(createLocalRunners(), channels) }, killOne));
    const r = s.results;
    assertAccounts(r);
    const runners = r.meta.runners ?? [];
    assert.deepEqual(runners.map((x) => x.status), ['finished', 'lost', 'finished']);
    const lost = runners[1]!;
    assert.match(lost.lostReason ?? '', /killed by SIGKILL/);
    const from = lost.lostFromMs ?? -1;
    const recordFrom = r.meta.recordedFromMs ?? 0;
    // Lost from its last closed interval: at most the kill time, and not long before it (a batch every 100 ms).
    assert.ok(from <= killedAtMs + 1 && from >= Math.max(recordFrom, killedAtMs - 2000), `lost from ${from} (recording from ${recordFrom}, killed at ${killedAtMs.toFixed(0)})`);
    const event = r.events.find((e) => e.kind === 'runner-lost');
    assert.ok(event && event.kind === 'runner-lost' && event.runner === 1);
    assert.equal(r.totals.failed, 0, 'the lost share shows no failed requests: it is lost, not failed');
    // The two others sent their whole share.
    const spanS = ((r.meta.recordedToMs ?? 0) - recordFrom) / 1000;
    for (const x of [runners[0]!, runners[2]!]) {
      assert.ok(Math.abs(x.sent - (RATE / 3) * spanS) <= (RATE / 3) * spanS * 0.05, `runner ${x.index} sent ${x.sent}`);
    }
    assert.ok(r.analysis?.verdict.reasons.some((x) => /runner 1 .*lost/.test(x)), JSON.stringify(r.analysis?.verdict.reasons));
    assert.equal(r.analysis?.verdict.pass, false);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
