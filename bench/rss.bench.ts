// Memory: rollcheck's resident set after 60 s at 5 000 req/s with 1 % failures
// (every 100th request answered 503, each kept as its own failure record).
import { runRollcheck, startServer } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

/** run measures the largest RSS of one long run. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 10 : 60;
  const server = await startServer({ failEvery: 100 });
  try {
    const rc = await runRollcheck(server.url, [
      '-r',
      '5000',
      '-d',
      `${seconds}s`,
      '--warmup',
      '2s',
      '-c',
      '16',
    ]);
    const t = rc.results.totals;
    const perMin = (rc.rssMaxKb / 1024).toFixed(0);
    return [
      {
        case: `RSS after ${seconds} s at 5000/s, 1 % failures`,
        tool: 'rollcheck',
        value: `${perMin} MB max RSS`,
        target: '< 200 MB for a 10-minute run',
        note: `sent ${t.sent}, failures kept ${rc.results.failures.length}, intervals ${rc.results.intervals.length}, achieved ${t.achievedRatePerSec}/s`,
      },
    ];
  } finally {
    await server.stop();
  }
}
