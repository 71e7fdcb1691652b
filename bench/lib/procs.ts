// Processes the benchmark starts: the target server, rollcheck's CLI, autocannon
// and wrk, each pinned to its own core with taskset when the machine has two.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abortableSleep } from '../../src/abortable-sleep.js';
import { loadResults } from '../../src/results/io.js';
import type { Results } from '../../src/results/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HAS_TASKSET = spawnSync('taskset', ['-V']).status === 0 && availableParallelism() >= 2;

/** SERVER_CORE and LOAD_CORE: the server on one core, the load generator on the other. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** pinned prefixes a command with taskset (when available) so it runs on `core` only (or a list, "0,1"). */
export function pinned(core: number | string, cmd: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

/** pinningNote says how the processes were placed, for the printed table. */
export function pinningNote(): string {
  return HAS_TASKSET
    ? `server pinned to core ${SERVER_CORE}, generator to core ${LOAD_CORE} (taskset)`
    : 'no taskset or one core: processes not pinned';
}

/** ServerStats is what the target server counted. */
export interface ServerStats {
  /** windows counts arrivals per 100 ms window of the epoch clock. */
  windows: Array<[number, number]>;
  /** perMs counts arrivals per ms of the epoch clock (to re-bin at any alignment). */
  perMs: Array<[number, number]>;
  answered: number;
  requests: number;
}

/** BenchServer is a running target server process. */
export interface BenchServer {
  url: string;
  port: number;
  child: ChildProcess;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** startServer starts bench/lib/server.mjs pinned to the server core (HTTP/1.1, or h2c with `h2c`). */
export async function startServer(
  o: { port?: number; failEvery?: number; countFile?: string; h2c?: boolean } = {},
): Promise<BenchServer> {
  const script = join(ROOT, 'bench/lib/server.mjs');
  const args = [script, '--port', String(o.port ?? 0), '--fail-every', String(o.failEvery ?? 0)];
  if (o.countFile) args.push('--count-file', o.countFile);
  if (o.h2c === true) args.push('--h2c');
  const [cmd, argv] = pinned(SERVER_CORE, process.execPath, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [msg] = (await once(child, 'message')) as [{ type: string; port: number }];
  const port = msg.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    child,
    async stats() {
      child.send({ type: 'stats' });
      for (;;) {
        const [m] = (await once(child, 'message')) as [{ type: string } & ServerStats];
        if (m.type === 'stats') return m;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

/** RollcheckRun is one `rollcheck load` in a child process. */
export interface RollcheckRun {
  code: number | null;
  results: Results;
  /** rssMaxKb is the largest resident set seen while it ran (sampled every 100 ms), writing the results included. */
  rssMaxKb: number;
  /** rssTrafficKb is the resident set at its last progress line, i.e. while traffic still ran. */
  rssTrafficKb: number;
  /** cpuShare is the share of one core it used while it recorded (after the warm-up, before the stop). */
  cpuShare: number;
  /** cpuUsPerOk is its CPU time per ok request while it recorded (µs). */
  cpuUsPerOk: number;
  /** resultsBytes is the size of the results file it wrote; reportBytes the size of its HTML report. */
  resultsBytes: number;
  reportBytes: number;
  stderr: string;
}

/** CliBuild is which rollcheck a bench runs: the built dist/ (what `npm ci` installs and users run) or the sources through tsx. */
export type CliBuild = 'dist' | 'source';

/** benchCli is the build BENCH_CLI names (dist or source), else `fallback`. */
export function benchCli(fallback: CliBuild): CliBuild {
  const v = process.env['BENCH_CLI'];
  return v === 'dist' || v === 'source' ? v : fallback;
}

let built = false;

/** ensureBuilt runs `npm run build` once per bench run: a dist/ run measures the code as it is, never a stale build. */
function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench: npm run build failed (exit ${r.status ?? r.signal})`);
  built = true;
}

/** runRollcheck runs `rollcheck load URL ...args` (from source unless `cli` says dist), pinned to the load core (or `cores`), and reads its results. */
export async function runRollcheck(
  url: string,
  args: string[],
  during?: (pid: number) => Promise<void>,
  cores: number | string = LOAD_CORE,
  cli: CliBuild = benchCli('source'),
): Promise<RollcheckRun> {
  if (cli === 'dist') ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-bench-'));
  try {
    const out = join(dir, 'run.json');
    const entry =
      cli === 'dist'
        ? [join(ROOT, 'bin/rollcheck')]
        : ['--import', 'tsx', join(ROOT, 'bench/lib/rollcheck-cli.ts')];
    const [cmd, argv] = pinned(cores, process.execPath, [
      ...entry,
      'load',
      url,
      ...args,
      '--out',
      out,
    ]);
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let rssTrafficKb = 0;
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      // A progress line means the traffic is still running: sample the RSS then.
      if (/ rate \d+\//.test(text)) rssTrafficKb = rssKb(child.pid);
    });
    let rssMaxKb = 0;
    // Every 100 ms: writing a long run's results takes about a second, and its peak must not slip between samples.
    const sampler = setInterval(() => (rssMaxKb = Math.max(rssMaxKb, rssKb(child.pid))), 100);
    const cpu = traceCpu(child.pid);
    const duringDone = during && child.pid !== undefined ? during(child.pid) : Promise.resolve();
    const [code] = (await once(child, 'exit')) as [number | null];
    clearInterval(sampler);
    cpu.stop();
    await duringDone;
    const resultsBytes = statSync(out).size;
    const reportBytes = statSync(join(dir, 'run.html')).size;
    const results = loadResults(out);
    const m = results.meta;
    const fromMs = m.startEpochMs + (m.recordedFromMs ?? 0);
    const toMs = m.startEpochMs + (m.recordedToMs ?? m.durationMs);
    const cpuShare = cpu.share(fromMs, toMs);
    const okPerSec = (results.totals.ok * 1000) / Math.max(1, toMs - fromMs);
    const cpuUsPerOk = (cpuShare * 1e6) / okPerSec;
    return { code, results, rssMaxKb, rssTrafficKb, cpuShare, cpuUsPerOk, resultsBytes, reportBytes, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rssKb reads a process's resident set size (0 when gone). */
export function rssKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);

/** cpuMs reads a process's CPU time so far (user + system, ms; NaN when gone). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** CpuTrace is a process's CPU time sampled against the epoch clock. */
export interface CpuTrace {
  samples: Array<[epochMs: number, cpuMs: number]>;
  stop(): void;
  /**
   * share is the share of one core used in [fromEpochMs, toEpochMs] (linear between samples),
   * over the part the samples cover: a process may exit a few ms after the window ends.
   */
  share(fromEpochMs: number, toEpochMs: number): number;
}

/**
 * runQueueWaitMs reads how long a process's main thread has waited on a run queue so far
 * (ms; NaN when gone): runnable, but another task had the core. /proc/PID/task/PID/schedstat.
 */
export function runQueueWaitMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
    return Number(f[1]) / 1e6;
  } catch {
    return NaN;
  }
}

/** threadsRunQueueWaitMs is runQueueWaitMs summed over every thread of a process (h2o serves from a worker thread). */
export function threadsRunQueueWaitMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    let ms = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ms += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
    return ms;
  } catch {
    return NaN;
  }
}

/** traceCpu samples `pid`'s CPU time every `everyMs` until stopped or the process is gone. */
export function traceCpu(pid: number | undefined, everyMs = 100): CpuTrace {
  return traceCounter(() => cpuMs(pid), everyMs);
}

/** traceCounter samples a growing counter (ms) against the epoch clock; its share() is the counter's growth per ms. */
export function traceCounter(read: () => number, everyMs = 100): CpuTrace {
  const samples: Array<[number, number]> = [];
  const take = (): void => {
    const c = read();
    if (!Number.isNaN(c)) samples.push([Date.now(), c]);
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  const at = (t: number): number => {
    for (let i = 1; i < samples.length; i += 1) {
      const [t1, c1] = samples[i] as [number, number];
      if (t1 < t) continue;
      const [t0, c0] = samples[i - 1] as [number, number];
      return t0 > t ? NaN : c0 + ((c1 - c0) * (t - t0)) / Math.max(1, t1 - t0);
    }
    return NaN;
  };
  return {
    samples,
    stop: () => clearInterval(timer),
    share: (from, to) => {
      const first = samples[0]?.[0] ?? Infinity;
      const last = samples[samples.length - 1]?.[0] ?? -Infinity;
      const a = Math.max(from, first);
      const b = Math.min(to, last);
      return b > a ? (at(b) - at(a)) / (b - a) : NaN;
    },
  };
}

/** AutocannonResult is the part of autocannon's --json output the bench reads. */
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { average: number; total: number; sent: number };
  '2xx': number;
  /** cpuShare is the share of one core it used in its steady middle (measured here, not by autocannon). */
  cpuShare?: number;
  /** cpuUsPerRequest is its CPU time per request there (µs). */
  cpuUsPerRequest?: number;
}

/** runAutocannon runs autocannon (the devDependency) pinned to the load core. */
export async function runAutocannon(args: string[]): Promise<AutocannonResult> {
  const bin = join(ROOT, 'node_modules/autocannon/autocannon.js');
  const [cmd, argv] = pinned(LOAD_CORE, process.execPath, [bin, '-j', ...args]);
  const startedEpochMs = Date.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  const cpu = traceCpu(child.pid);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  await once(child, 'exit');
  cpu.stop();
  const result = JSON.parse(out) as AutocannonResult;
  // Its steady middle: from 1 s after the start to 1 s before the end of its -d seconds.
  const last = cpu.samples[cpu.samples.length - 1];
  const fromMs = startedEpochMs + 1000;
  const toMs = Math.min(fromMs + (result.duration - 2) * 1000, last ? last[0] : fromMs);
  result.cpuShare = cpu.share(fromMs, toMs);
  result.cpuUsPerRequest = (result.cpuShare * 1e6) / result.requests.average;
  return result;
}

/** hasWrk tells whether wrk is installed. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** runWrk runs wrk pinned to the load core and returns its requests per second. */
export async function runWrk(args: string[]): Promise<number> {
  const [cmd, argv] = pinned(LOAD_CORE, 'wrk', args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => void (out += d.toString()));
  await once(child, 'exit');
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
}

/**
 * pinMainThreadApart gives a started process's main thread (its event loop) the load core to
 * itself and moves its other threads (V8's compiler and GC helpers, libuv's pool) to the
 * server core: pinned whole to one core, a helper thread that compiles or marks for tens of
 * milliseconds keeps the event loop on a run queue, and the sends of that time leave late.
 */
export async function pinMainThreadApart(pid: number): Promise<void> {
  if (!HAS_TASKSET) return;
  await once(spawn('taskset', ['-a', '-p', '-c', String(SERVER_CORE), String(pid)], { stdio: 'ignore' }), 'exit');
  await once(spawn('taskset', ['-p', '-c', String(LOAD_CORE), String(pid)], { stdio: 'ignore' }), 'exit');
}

/**
 * pinMainThreadApartSettled pins as pinMainThreadApart does, once Node has started its helper
 * threads (they inherit the main thread's core when it makes them) and again before `byMs`
 * (the end of the warm-up), for threads made in between.
 */
export async function pinMainThreadApartSettled(pid: number, byMs: number): Promise<void> {
  const settleMs = Math.min(500, byMs / 3);
  await abortableSleep(settleMs);
  await pinMainThreadApart(pid);
  await abortableSleep(Math.max(0, byMs - 2 * settleMs));
  await pinMainThreadApart(pid);
}


/** pinServer moves a started server process (every thread) to the server core, where taskset is. */
export async function pinServer<T extends { child: ChildProcess }>(s: T): Promise<T> {
  if (s.child.pid === undefined || !HAS_TASKSET) return s;
  await once(spawn('taskset', ['-a', '-p', '-c', String(SERVER_CORE), String(s.child.pid)], { stdio: 'ignore' }), 'exit');
  return s;
}

/** sleep waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
