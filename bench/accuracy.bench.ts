// Fixed-rate accuracy: requests counted by the server per 100 ms window at
// 2 000 and 10 000 req/s, worst window vs the target, rollcheck vs autocannon -R.
// (wrk 4 has no fixed-rate mode.)
import { runAutocannon, runRollcheck, startServer, type ServerStats } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

/** run measures per-100 ms accuracy at each rate for both tools. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 3 : 10;
  const rows: BenchRow[] = [];
  for (const rate of [2000, 10_000]) {
    const server = await startServer();
    try {
      const conns = rate > 5000 ? '32' : '10';
      const rc = await runRollcheck(server.url, [
        '-r',
        String(rate),
        '-d',
        `${seconds}s`,
        '--warmup',
        '2s',
        '-c',
        conns,
      ]);
      const r = rc.results;
      const fromEpoch = r.meta.startEpochMs + (r.meta.recordedFromMs ?? r.meta.warmupMs);
      const serverView = worst(await server.stats(), fromEpoch, fromEpoch + seconds * 1000, rate);
      const own = r.intervals.slice(1, -1).map((i) => i.sent);
      const ownWorst = Math.max(...own.map((n) => Math.abs(n - rate / 10))) / (rate / 10);
      rows.push({
        case: `fixed rate ${rate}/s, per 100 ms`,
        tool: 'rollcheck',
        value: `worst window ${pct(serverView.worst)} (server counted ${serverView.min}-${serverView.max} per window)`,
        target: rate === 10_000 ? 'every window within ±5 %' : '',
        note: `own intervals worst ${pct(ownWorst)}; total sent ${r.totals.sent}, dropped ${r.totals.dropped}, failed ${r.totals.failed}`,
      });
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
        case: `fixed rate ${rate}/s, per 100 ms`,
        tool: 'autocannon -R',
        value: `worst window ${pct(acView.worst)} (server counted ${acView.min}-${acView.max} per window)`,
        note: `${ac.requests.total} requests in ${ac.duration.toFixed(1)} s`,
      });
    } finally {
      await server.stop();
    }
  }
  return rows;
}

function worst(
  stats: ServerStats,
  fromEpochMs: number,
  toEpochMs: number,
  rate: number,
): { worst: number; min: number; max: number } {
  const counts = new Map(stats.windows);
  const target = rate / 10;
  let w = 0;
  let min = Infinity;
  let max = 0;
  for (let i = Math.ceil(fromEpochMs / 100); i < Math.floor(toEpochMs / 100); i += 1) {
    const n = counts.get(i) ?? 0;
    min = Math.min(min, n);
    max = Math.max(max, n);
    w = Math.max(w, Math.abs(n - target) / target);
  }
  return { worst: w, min: min === Infinity ? 0 : min, max };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
