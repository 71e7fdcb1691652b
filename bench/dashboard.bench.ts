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
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Io } from '../src/io.js';
import { startDashboard } from '../src/dashboard/index.js';
import { createClock, epochNowMs } from '../src/results/clock.js';
import { createHistogram, encodeHistogram, recordUs } from '../src/results/histogram.js';
import { emptyPartial } from '../src/results/partial.js';
import { createRecorder } from '../src/results/recorder.js';
import { createTrafficRunner } from '../src/traffic/runner.js';
import type { TrafficSettings } from '../src/traffic/settings.js';
import { pinned, pinningNote, SERVER_CORE } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

const RATE_PER_SEC = 2000;
const WARMUP_MS = 1000;
const PODS = ['bench-1111-aaaaa', 'bench-1111-bbbbb', 'bench-2222-ccccc'];

/** Mode is the dashboard off, on (drawing in its worker thread), or on and drawing on the main thread. */
type Mode = 'off' | 'on' | 'on-main-thread';
const MODES: readonly Mode[] = ['off', 'on', 'on-main-thread'];

/** RunFigures is one run's figures. */
interface RunFigures {
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

/** run measures the dashboard off and on (both threads), prints its own table, and returns one row per mode for bench/run.ts. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const seconds = Number(process.env['BENCH_DASHBOARD_SECONDS'] ?? (options.quick ? '2' : '8'));
  const rounds = Number(process.env['BENCH_DASHBOARD_ROUNDS'] ?? (options.quick ? '1' : '2'));
  const server = await startServer();
  try {
    const runs: RunFigures[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const mode of MODES) runs.push(await measure(server.url, mode, seconds * 1000));
    }
    console.log(
      `dashboard bench: ${RATE_PER_SEC} req/s, ${seconds} s recorded per run, ${pinningNote()}`,
    );
    console.table(runs);
    if (process.env['CI'])
      console.log('note: CI is set, so ink draws only at exit; the "on" rows understate the cost');
    const loops: LoopFigures[] = [];
    for (let i = 0; i < rounds; i++)
      for (const mode of MODES) loops.push(await loopDelay(mode, seconds * 1000));
    console.log(
      'event-loop delay of the main thread, recorder with 60 s of history fed 2000 outcomes/s, no sockets:',
    );
    console.table(loops);
    return MODES.flatMap((mode) => [
      summaryRow(
        mode,
        runs.filter((r) => r.dashboard === mode),
      ),
      loopRow(
        mode,
        loops.filter((r) => r.dashboard === mode),
      ),
    ]);
  } finally {
    server.child.kill('SIGKILL');
    await once(server.child, 'exit').catch(() => undefined);
  }
}

function summaryRow(mode: Mode, mine: RunFigures[]): BenchRow {
  // Best of the rounds (highest rate, lowest lag and CPU): the least disturbed run on a shared machine.
  const best = (f: (r: RunFigures) => number, pick: (...v: number[]) => number): string =>
    pick(...mine.map(f)).toFixed(1);
  return {
    case: `dashboard ${mode} @${RATE_PER_SEC}/s`,
    tool: 'rollcheck',
    value: `achieved ${best((r) => r.achievedRatePerSec, Math.max)}/s, lag p99 ${best((r) => r.lagP99Ms, Math.min)} ms, CPU ${best((r) => r.cpuMs, Math.min)} ms`,
    target: mode === 'off' ? undefined : 'within noise of off',
    note: `best of ${mine.length} run(s), ${mine[0]?.frames ?? 0} frames`,
  };
}

/** LoopFigures is the main thread's event-loop delay over one run. */
interface LoopFigures {
  dashboard: Mode;
  delayP99Ms: number;
  delayMaxMs: number;
  frames: number;
}

function loopRow(mode: Mode, mine: LoopFigures[]): BenchRow {
  // Best of the rounds: on a shared machine the smallest figure is the least disturbed one.
  const best = (f: (r: LoopFigures) => number): string => Math.min(...mine.map(f)).toFixed(1);
  return {
    case: `dashboard ${mode}: main-thread loop delay`,
    tool: 'rollcheck',
    value: `p99 ${best((r) => r.delayP99Ms)} ms, max ${best((r) => r.delayMaxMs)} ms`,
    target: mode === 'off' ? undefined : 'within noise of off',
    note: `best of ${mine.length} run(s)`,
  };
}

/**
 * loopDelay isolates what the dashboard costs the thread that sends traffic:
 * a recorder with a minute of history, fed 2000 outcomes/s on this thread,
 * and the event-loop delay measured with the dashboard off and on.
 */
async function loopDelay(dashboard: Mode, durationMs: number): Promise<LoopFigures> {
  const historyMs = 60_000;
  const clock = createClock(epochNowMs() - historyMs);
  const recorder = createRecorder({
    clock,
    command: 'bench',
    mode: 'load',
    target: 'synthetic',
    params: {},
    targetRatePerSec: RATE_PER_SEC,
    warmupMs: 0,
  });
  recorder.markRecording(0);
  const h = createHistogram();
  for (let i = 0; i < 200; i++) recordUs(h, 800 + i * 5);
  const histogram = encodeHistogram(h);
  const partials = [];
  for (let index = 0; index < historyMs / 100; index++) {
    const p = emptyPartial(index);
    p.sent.keepalive = 200;
    p.done.reused = { ok: 200 };
    p.donePop.keepalive.ok = 200;
    p.histogram = histogram;
    p.okByPod = { [PODS[index % 3] ?? 'p']: 200 };
    partials.push(p);
  }
  recorder.ingest({ source: 0, partials, closedBefore: partials.length });
  PODS.forEach((pod, i) =>
    recorder.event({ kind: 'pod-created', pod, atMs: i, revision: 'rev-1' }),
  );
  const { stream, frames } = createCountingTty(100, 30);
  const io: Io = {
    stdout: stream,
    stderr: stream,
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
  while (dash && frames() === 0) await sleep(50);
  let n = 0;
  const feed = setInterval(() => {
    const at = clock.nowMs();
    for (let i = 0; i < 10; i++, n++) {
      recorder.recordSent(at, 'keepalive', 0.05);
      recorder.recordOutcome({
        intendedAtMs: at,
        startAtMs: at,
        endAtMs: at + 1,
        kind: 'ok',
        connId: `c${n % 16}`,
        reused: true,
        population: 'keepalive',
        pod: PODS[n % 3],
      });
    }
  }, 5);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(durationMs);
  delay.disable();
  clearInterval(feed);
  await dash?.stop();
  return {
    dashboard,
    delayP99Ms: delay.percentile(99) / 1e6,
    delayMaxMs: delay.max / 1e6,
    frames: frames(),
  };
}

async function measure(url: string, dashboard: Mode, durationMs: number): Promise<RunFigures> {
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
    protocol: 'http1',
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
  const [cmd, args] = pinned(SERVER_CORE, process.execPath, ['-e', SERVER]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/`, child };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
