// Does the live dashboard slow the traffic? 2 000 req/s at a local server with
// the dashboard off, on (drawing in its worker thread, the default) and on but
// drawing on the main thread, into a fake 100×30 terminal, comparing the
// achieved rate and the scheduling-lag p99. The server runs in a child
// process so that only the engine, the recorder and the dashboard share this
// event loop. Run: `node --import tsx bench/dashboard.bench.ts`
// (BENCH_DASHBOARD_SECONDS=8 sets the recorded seconds of each run,
// BENCH_DASHBOARD_ROUNDS=2 how many times the three modes run, interleaved).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Io } from '../src/cli/io.js';
import { startDashboard } from '../src/dashboard/index.js';
import { createClock } from '../src/results/clock.js';
import { createRecorder } from '../src/results/recorder.js';
import { createTrafficRunner } from '../src/traffic/runner.js';
import type { TrafficSettings } from '../src/traffic/settings.js';

const RATE_PER_SEC = 2000;
const WARMUP_MS = 1000;
const PODS = ['bench-1111-aaaaa', 'bench-1111-bbbbb', 'bench-2222-ccccc'];

/** Mode is the dashboard off, on (drawing in its worker thread), or on and drawing on the main thread. */
type Mode = 'off' | 'on' | 'on-main-thread';
const MODES: readonly Mode[] = ['off', 'on', 'on-main-thread'];

/** BenchRow is one run's figures. */
interface BenchRow {
  dashboard: Mode;
  achievedRatePerSec: number;
  lagP99Ms: number;
  lagMaxMs: number;
  latencyP99Ms: number;
  failed: number;
  frames: number;
  /** cpuMs is the process's CPU time (every thread, so the drawer's too) over the recorded seconds. */
  cpuMs: number;
}

/** run measures the dashboard off and on and prints both rows. */
export async function run(): Promise<void> {
  const seconds = Number(process.env['BENCH_DASHBOARD_SECONDS'] ?? '8');
  const server = await startServer();
  try {
    const rows: BenchRow[] = [];
    const rounds = Number(process.env['BENCH_DASHBOARD_ROUNDS'] ?? '2');
    for (let i = 0; i < rounds; i++) {
      for (const mode of MODES) rows.push(await measure(server.url, mode, seconds * 1000));
    }
    console.log(
      `dashboard bench: ${RATE_PER_SEC} req/s, ${seconds} s recorded per run, server in a child process`,
    );
    console.table(rows);
    for (const d of MODES) {
      const mine = rows.filter((r) => r.dashboard === d);
      const mean = (f: (r: BenchRow) => number): string =>
        (mine.reduce((a, r) => a + f(r), 0) / mine.length).toFixed(2);
      console.log(
        `dashboard ${d}: achieved ${mean((r) => r.achievedRatePerSec)} req/s, lag p99 ${mean((r) => r.lagP99Ms)} ms, CPU ${mean((r) => r.cpuMs)} ms (mean of ${mine.length} runs)`,
      );
    }
    if (process.env['CI'])
      console.log('note: CI is set, so ink draws only at exit; the "on" rows understate the cost');
  } finally {
    server.child.kill('SIGKILL');
    await once(server.child, 'exit').catch(() => undefined);
  }
}

async function measure(url: string, dashboard: Mode, durationMs: number): Promise<BenchRow> {
  const clock = createClock();
  const settings: TrafficSettings = {
    ratePerSec: RATE_PER_SEC,
    durationMs,
    warmupMs: WARMUP_MS,
    connections: 16,
    keepAlive: true,
    freshPercent: 0,
    method: 'GET',
    headers: [],
    timeoutMs: 5000,
    maxInFlight: 10_000,
    podHeader: 'x-pod-name',
    workers: 1,
  };
  const recorder = createRecorder({
    clock,
    command: 'bench',
    mode: 'load',
    target: url,
    params: {},
    targetRatePerSec: RATE_PER_SEC,
    warmupMs: WARMUP_MS,
  });
  // A few pods, so that the dashboard has its tables to draw.
  PODS.forEach((pod, i) => {
    recorder.event({ kind: 'pod-created', pod, atMs: i, revision: i < 2 ? 'rev-1' : 'rev-2' });
    recorder.event({ kind: 'pod-ready', pod, atMs: 10 + i });
  });
  const { stream: terminal, frames } = createCountingTty(100, 30);
  const io: Io = {
    stdout: terminal,
    stderr: terminal,
    env: {},
    cwd: process.cwd(),
    interrupt: new AbortController().signal,
  };
  const thread = dashboard === 'on-main-thread' ? 'main' : 'worker';
  const dash =
    dashboard === 'off'
      ? null
      : startDashboard({
          view: recorder,
          io,
          title: 'bench',
          onQuit: () => undefined,
          clock,
          thread,
        });
  // Loading React and ink is a one-off; the question is what drawing costs while traffic runs.
  while (dash && frames() === 0) await sleep(50);
  const runner = createTrafficRunner({ url, settings, clock, sink: (b) => recorder.ingest(b) });
  const started = await runner.start(WARMUP_MS);
  recorder.setPhase('warmup', started.startAtMs);
  recorder.markRecording(started.recordFromMs);
  await sleep(Math.max(0, started.recordFromMs - clock.nowMs()));
  const cpuBefore = process.cpuUsage();
  recorder.setPhase('steady');
  await sleep(durationMs);
  const cpu = process.cpuUsage(cpuBefore);
  const stop = await runner.stop(2000);
  const results = recorder.finish({
    stopReason: 'completed',
    interrupted: false,
    inFlightAtStop: stop.inFlightAtStop,
  });
  await dash?.stop({ results, resultsPath: '(not written)' });
  return {
    dashboard,
    achievedRatePerSec: results.totals.achievedRatePerSec,
    lagP99Ms: results.totals.lag.p99Us / 1000,
    lagMaxMs: results.totals.lag.maxUs / 1000,
    latencyP99Ms: results.totals.latency.p99Us / 1000,
    failed: results.totals.failed,
    frames: frames(),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

/** createCountingTty is a terminal-sized sink that counts the frames drawn into it and keeps nothing. */
function createCountingTty(
  columns: number,
  rows: number,
): { stream: Io['stdout']; frames: () => number } {
  let frames = 0;
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (chunk.toString().includes('\n')) frames += 1;
      cb();
    },
  });
  return { stream: Object.assign(sink, { isTTY: true, columns, rows }), frames: () => frames };
}

const SERVER = `
const pods = ${JSON.stringify(PODS)};
let n = 0;
const server = require('node:http').createServer((req, res) => {
  res.setHeader('x-pod-name', pods[n++ % pods.length]);
  res.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/`, child };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
