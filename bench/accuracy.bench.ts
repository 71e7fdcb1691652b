// Fixed-rate accuracy: requests counted by the server per 100 ms window at
// 2 000 and 10 000 req/s, worst window vs the target, rollcheck vs autocannon -R,
// against the Node server and (where installed) nginx. (wrk 4 has no fixed-rate mode.)
//
// To tell where a window's error comes from, each rollcheck run also reports:
// its own per-interval send counts (the engine's batching and stalls); the
// server's count over the same intervals minus the engine's (what happened
// between send and arrival); and how long the generator's and the server's
// main threads sat runnable on a run queue while another task had their core
// (/proc/PID/task/PID/schedstat), in total and in the worst window.
import { hasNginx, startNginx } from './lib/nginx.js';
import {
  runAutocannon,
  runQueueWaitMs,
  runRollcheck,
  startServer,
  traceCounter,
  type BenchServer,
  type CpuTrace,
  type ServerStats,
} from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';
import type { Results } from '../src/results/types.js';

const SERVERS: Array<[name: string, start: () => Promise<BenchServer>]> = [
  ['node', () => startServer()],
  ...(hasNginx() ? [['nginx', startNginx] as [string, () => Promise<BenchServer>]] : []),
];

/** run measures per-100 ms accuracy at each rate for both tools, against each server. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 3 : 10;
  const rows: BenchRow[] = [];
  for (const [serverName, start] of SERVERS) {
    for (const rate of [2000, 10_000]) {
      const server = await start();
      try {
        rows.push(...(await measure(server, serverName, rate, seconds)));
      } finally {
        await server.stop();
      }
    }
  }
  return rows;
}

async function measure(
  server: BenchServer,
  serverName: string,
  rate: number,
  seconds: number,
): Promise<BenchRow[]> {
  const conns = rate > 5000 ? '32' : '10';
  const caseName = `fixed rate ${rate}/s, per 100 ms, ${serverName} server`;
  const serverWait = traceCounter(() => runQueueWaitMs(server.child.pid), 20);
  let genWait: CpuTrace | null = null;
  const rc = await runRollcheck(
    server.url,
    ['-r', String(rate), '-d', `${seconds}s`, '--warmup', '2s', '-c', conns],
    async (pid) => void (genWait = traceCounter(() => runQueueWaitMs(pid), 20)),
  );
  serverWait.stop();
  (genWait as CpuTrace | null)?.stop();
  const r = rc.results;
  const fromEpoch = r.meta.startEpochMs + (r.meta.recordedFromMs ?? r.meta.warmupMs);
  const stats = await server.stats();
  const view = worst(stats, fromEpoch, fromEpoch + seconds * 1000, rate);
  const split = whereFrom(r, stats, rate);
  const waits = (t: CpuTrace | null): string => {
    if (t === null) return 'n/a';
    const total = t.share(fromEpoch, fromEpoch + seconds * 1000);
    const inWorst = t.share(view.worstAtMs, view.worstAtMs + 100) * 100;
    return `${pct(total)} of the time, ${inWorst.toFixed(1)} ms in the worst window`;
  };
  const calm = calmWindows(stats, fromEpoch, fromEpoch + seconds * 1000, rate, [
    genWait,
    serverWait,
  ]);
  const rows: BenchRow[] = [
    {
      case: caseName,
      tool: 'rollcheck',
      value: `worst window ${pct(view.worst)} (server counted ${view.min}-${view.max} per window)`,
      target: rate === 10_000 ? 'every window within ±5 %' : '',
      note: `total sent ${r.totals.sent}, dropped ${r.totals.dropped}, failed ${r.totals.failed}; lag p99 ${(r.totals.lag.p99Us / 1000).toFixed(1)} ms, max ${(r.totals.lag.maxUs / 1000).toFixed(1)} ms`,
    },
    {
      case: caseName,
      tool: 'rollcheck, where from',
      value: `engine's own intervals worst ${pct(split.own)}; server minus engine, same intervals, worst ${pct(split.after)}`,
      note: `on a run queue instead of running: generator ${waits(genWait)}; server ${waits(serverWait)}`,
    },
    {
      case: caseName,
      tool: 'rollcheck, calm windows',
      value:
        calm.n > 0
          ? `worst window ${pct(calm.worst)} over the ${calm.n} of ${calm.of} windows where neither generator nor server waited ${CALM_MS} ms or more on a run queue`
          : `no window where neither generator nor server waited ${CALM_MS} ms or more on a run queue`,
      target: rate === 10_000 ? 'every window within ±5 %' : '',
    },
  ];
  const ac = await runAutocannon([
    '-c',
    conns,
    '-R',
    String(rate),
    '-d',
    String(seconds),
    server.url,
  ]);
  const acEnd = Date.now();
  const acStart = acEnd - ac.duration * 1000;
  const acView = worst(await server.stats(), acStart + 1000, acEnd - 300, rate);
  rows.push({
    case: caseName,
    tool: 'autocannon -R',
    value: `worst window ${pct(acView.worst)} (server counted ${acView.min}-${acView.max} per window)`,
    note: `${ac.requests.total} requests in ${ac.duration.toFixed(1)} s`,
  });
  return rows;
}

// A window is calm when neither process waited this long on a run queue within it: a shorter
// stall moves less than 5 % of a 100 ms window's requests, so a calm window could meet ±5 %.
const CALM_MS = 5;

/** calmWindows is the server's worst window (epoch-aligned) among those where no traced process waited CALM_MS on a run queue. */
function calmWindows(
  stats: ServerStats,
  fromEpochMs: number,
  toEpochMs: number,
  rate: number,
  traces: Array<CpuTrace | null>,
): { worst: number; n: number; of: number } {
  const counts = new Map(stats.windows);
  const target = rate / 10;
  let worst = 0;
  let n = 0;
  let of = 0;
  for (let i = Math.ceil(fromEpochMs / 100); i < Math.floor(toEpochMs / 100); i += 1) {
    of += 1;
    // A window's count also depends on the few ms before it (requests sent then arrive in it).
    const waited = traces.some(
      (t) => t === null || !(t.share(i * 100 - 10, i * 100 + 100) * 110 < CALM_MS),
    );
    if (waited) continue;
    n += 1;
    worst = Math.max(worst, Math.abs((counts.get(i) ?? 0) - target) / target);
  }
  return { worst, n, of };
}

/**
 * whereFrom splits the error: `own` is the engine's own count per interval against the target,
 * `after` the server's count over the very same intervals against the engine's.
 */
function whereFrom(r: Results, stats: ServerStats, rate: number): { own: number; after: number } {
  const target = rate / 10;
  const perMs = new Map(stats.perMs);
  let own = 0;
  let after = 0;
  // The first and last intervals are partial (recording starts and the schedule ends inside them).
  for (const i of r.intervals.slice(1, -1)) {
    const from = Math.round(r.meta.startEpochMs + i.atMs);
    let server = 0;
    for (let ms = from; ms < from + 100; ms += 1) server += perMs.get(ms) ?? 0;
    own = Math.max(own, Math.abs(i.sent - target) / target);
    after = Math.max(after, Math.abs(server - i.sent) / target);
  }
  return { own, after };
}

function worst(
  stats: ServerStats,
  fromEpochMs: number,
  toEpochMs: number,
  rate: number,
): { worst: number; worstAtMs: number; min: number; max: number } {
  const counts = new Map(stats.windows);
  const target = rate / 10;
  let w = 0;
  let worstAtMs = fromEpochMs;
  let min = Infinity;
  let max = 0;
  for (let i = Math.ceil(fromEpochMs / 100); i < Math.floor(toEpochMs / 100); i += 1) {
    const n = counts.get(i) ?? 0;
    min = Math.min(min, n);
    max = Math.max(max, n);
    const off = Math.abs(n - target) / target;
    if (off > w) {
      w = off;
      worstAtMs = i * 100;
    }
  }
  return { worst: w, worstAtMs, min: min === Infinity ? 0 : min, max };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
