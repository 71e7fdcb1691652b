// Fixed-rate accuracy on h2c for the h2 bench: rollcheck --protocol h2c at
// 5 000/s against a counting server, per 100 ms window, as the server counts
// arrivals and as rollcheck counts its own sends. The server is h2o (C,
// bench/lib/h2o-counter.ts: arrivals from its access log) when installed, else
// the bench's Node server (bench/lib/server.mjs, h2c), whose own GC or
// scheduling stalls can shift arrivals across a window edge; each row says
// which counted. Windows are the run's own 100 ms intervals (the run clock starts
// at the run's start epoch): the server's arrivals, counted per epoch ms, are
// binned onto them (to within the half millisecond the two clocks' rounding
// leaves), and rollcheck's sends are each interval's `started` (requests
// handed to a connection in it). A window the server missed while rollcheck
// sent on schedule is the server's own stall (or the machine's), not the
// engine's. The load average is read before each run.
import { loadavg } from 'node:os';
import { h2oVersion, startH2oCounter } from './lib/h2o-counter.js';
import { runQueueWaitMs, runRollcheck, startServer, threadsRunQueueWaitMs, traceCounter, type BenchServer, type CpuTrace } from './lib/procs.js';
import type { BenchRow } from './lib/table.js';

/** ACCURACY_RATE is the fixed rate the issue holds to ±5 % per 100 ms window; WINDOW_MS the window. */
export const ACCURACY_RATE = 5000;
const WINDOW_MS = 100;
const TOLERANCE = 0.05;

/** AccuracyRun is one run's windows: as the server counted arrivals, and as rollcheck counted its sends. */
export interface AccuracyRun {
  windows: number;
  server: WindowStats;
  client: WindowStats;
  /** serverOnly counts windows outside ±5 % at the server while rollcheck's own sends were within. */
  serverOnly: number;
  /** misses are the windows outside ±5 % as the server counted them, each with its neighbours. */
  misses: WindowMiss[];
  loadAvg: number;
  /** counter names the server that counted arrivals (h2o, or the Node fallback). */
  counter: string;
  note: string;
}

/**
 * WindowMiss is one window outside ±5 % as the server counted it, beside the
 * windows before and after it on both sides: a shift (one short, the next
 * long by as much, rollcheck's own sends on time) is a late arrival, a loss
 * is short with no long neighbour. The waits say who was kept off a core.
 */
export interface WindowMiss {
  /** atMs is the window's start on the run clock. */
  atMs: number;
  /** server and client are the counts of the window before, this one and the one after. */
  server: [number, number, number];
  client: [number, number, number];
  /** serverWaitMs and clientWaitMs: how long the server's threads and rollcheck's main thread sat runnable on a run queue, from 10 ms before the window to its end. */
  serverWaitMs: number;
  clientWaitMs: number;
}

/** WindowStats sums one side's windows: how many within ±5 %, the worst miss (a share), the fewest and most. */
interface WindowStats {
  within: number;
  worst: number;
  min: number;
  max: number;
}

/** accuracyRun runs rollcheck --protocol h2c at `ratePerSec` for `seconds` and counts each 100 ms window on both sides. */
export async function accuracyRun(seconds: number, ratePerSec = ACCURACY_RATE): Promise<AccuracyRun> {
  const { server, counter } = await startCounter();
  const serverWait = traceCounter(() => threadsRunQueueWaitMs(server.child.pid), 5);
  let clientWait: CpuTrace | null = null;
  try {
    const loadAvg = loadavg()[0] ?? NaN;
    const args = ['--protocol', 'h2c', '-r', String(ratePerSec), '-d', `${seconds}s`, '--warmup', '2s', '-c', '10'];
    const rc = await runRollcheck(server.url, args, async (pid) => void (clientWait = traceCounter(() => runQueueWaitMs(pid), 5)));
    serverWait.stop();
    (clientWait as CpuTrace | null)?.stop();
    const r = rc.results;
    const perMs = new Map((await server.stats()).perMs);
    const startMs = Math.round(r.meta.startEpochMs);
    const fromMs = r.meta.recordedFromMs ?? r.meta.warmupMs;
    const target = (ratePerSec * WINDOW_MS) / 1000;
    const serverCounts: number[] = [];
    const clientCounts: number[] = [];
    const windowAtMs: number[] = [];
    for (const s of r.intervals) {
      if (s.atMs < fromMs || s.atMs + WINDOW_MS > fromMs + seconds * 1000) continue;
      let n = 0;
      for (let ms = startMs + s.atMs; ms < startMs + s.atMs + WINDOW_MS; ms += 1) n += perMs.get(ms) ?? 0;
      serverCounts.push(n);
      clientCounts.push(s.started ?? 0);
      windowAtMs.push(s.atMs);
    }
    const off = (n: number): number => Math.abs(n - target) / target;
    const serverOnly = serverCounts.filter((n, i) => off(n) > TOLERANCE && off(clientCounts[i] ?? 0) <= TOLERANCE).length;
    const waitedMs = (t: CpuTrace | null, atMs: number): number => {
      const from = startMs + atMs - 10;
      return t === null ? NaN : t.share(from, from + WINDOW_MS + 10) * (WINDOW_MS + 10);
    };
    const three = (xs: number[], i: number): [number, number, number] => [xs[i - 1] ?? NaN, xs[i] ?? NaN, xs[i + 1] ?? NaN];
    const misses: WindowMiss[] = [];
    serverCounts.forEach((n, i) => {
      if (off(n) <= TOLERANCE) return;
      const atMs = windowAtMs[i] as number;
      misses.push({ atMs, server: three(serverCounts, i), client: three(clientCounts, i), serverWaitMs: waitedMs(serverWait, atMs), clientWaitMs: waitedMs(clientWait, atMs) });
    });
    return {
      windows: serverCounts.length,
      server: stats(serverCounts, off),
      client: stats(clientCounts, off),
      serverOnly,
      misses,
      loadAvg,
      counter,
      note: `sent ${r.totals.sent}, dropped ${r.totals.dropped}, failed ${r.totals.failed}; lag p99 ${(r.totals.lag.p99Us / 1000).toFixed(1)} ms; exit ${rc.code}`,
    };
  } finally {
    serverWait.stop();
    await server.stop();
  }
}

/** missLines prints each run's misses: the window, its neighbours as the server and rollcheck counted them, the run-queue waits. */
export function missLines(runs: AccuracyRun[]): string[] {
  const trio = (xs: number[]): string => xs.map((x) => (Number.isNaN(x) ? '-' : String(x))).join(' | ');
  return runs.flatMap((x, i) =>
    x.misses.map(
      (m) =>
        `run ${i + 1}, window at ${(m.atMs / 1000).toFixed(1)} s: server ${trio(m.server)}, rollcheck sent ${trio(m.client)} (before | this | after); ` +
        `on a run queue: server ${m.serverWaitMs.toFixed(1)} ms, rollcheck ${m.clientWaitMs.toFixed(1)} ms`,
    ),
  );
}

/** startCounter starts h2o as the counting server, or the Node one when h2o is missing, and names it. */
async function startCounter(): Promise<{ server: BenchServer; counter: string }> {
  const version = h2oVersion();
  if (version !== undefined) return { server: await startH2oCounter(), counter: `${version.replace(' version', '')} (access log, %{usec}t)` };
  return { server: await startServer({ h2c: true }), counter: 'Node server.mjs (h2o not installed: fallback)' };
}

function stats(counts: number[], off: (n: number) => number): WindowStats {
  return {
    within: counts.filter((n) => off(n) <= TOLERANCE).length,
    worst: Math.max(0, ...counts.map(off)),
    min: counts.length === 0 ? 0 : Math.min(...counts),
    max: Math.max(0, ...counts),
  };
}

/** accuracyRows is one row per run and one for all of them. */
export function accuracyRows(runs: AccuracyRun[], ratePerSec = ACCURACY_RATE): BenchRow[] {
  const kase = `h2c fixed rate ${ratePerSec}/s, per ${WINDOW_MS} ms (run-clock windows)`;
  const side = (w: WindowStats, of: number): string =>
    `${w.within}/${of} within ±5 %, worst ${(w.worst * 100).toFixed(1)} %, ${w.min}-${w.max} per window`;
  const rows: BenchRow[] = runs.map((x, i) => ({
    case: kase,
    tool: `rollcheck --protocol h2c, run ${i + 1} (load ${x.loadAvg.toFixed(1)})`,
    value: `server (${x.counter}) ${side(x.server, x.windows)}`,
    target: 'every window within ±5 %',
    note: `rollcheck's own sends ${side(x.client, x.windows)}; ${x.serverOnly} server-only misses; ${x.note}`,
  }));
  const sum = (f: (x: AccuracyRun) => number): number => runs.reduce((a, x) => a + f(x), 0);
  const all = sum((x) => x.windows);
  rows.push({
    case: kase,
    tool: `rollcheck --protocol h2c, ${runs.length} runs`,
    value: `server (${[...new Set(runs.map((x) => x.counter))].join(', ')}) ${sum((x) => x.server.within)}/${all} within ±5 %, worst ${(Math.max(...runs.map((x) => x.server.worst)) * 100).toFixed(1)} %`,
    target: 'every window within ±5 %',
    note: `rollcheck's own sends ${sum((x) => x.client.within)}/${all} within, worst ${(Math.max(...runs.map((x) => x.client.worst)) * 100).toFixed(1)} %; ${sum((x) => x.serverOnly)} windows missed by the server alone`,
  });
  return rows;
}
