// Memory: rollcheck's resident set after 60 s (--long: 10 minutes) at 5 000
// req/s with 1 % failures (every 100th request answered 503, each kept as its
// own failure record; BENCH_FAIL_EVERY=40 for 2.5 %), and the size of the
// results file and report it writes.
import { benchCli, LOAD_CORE, runRollcheck, startServer } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';
import type { Results } from '../src/results/types.js';

/** run measures the largest RSS of one long run. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 10 : o.long ? 600 : 60;
  const failEvery = Number(process.env['BENCH_FAIL_EVERY'] ?? 100);
  const server = await startServer({ failEvery });
  // The built CLI, as users run it (tsx compiling the sources adds its own memory); BENCH_CLI=source for that.
  const cli = benchCli('dist');
  try {
    // The same CLI for 3 s at 100/s: what loading rollcheck costs before any real traffic.
    const base = await runRollcheck(server.url, ['-r', '100', '-d', '3s', '--warmup', '0'], undefined, LOAD_CORE, cli);
    const rc = await runRollcheck(server.url, [
      '-r',
      '5000',
      '-d',
      `${seconds}s`,
      '--warmup',
      '2s',
      '-c',
      '16',
    ], undefined, LOAD_CORE, cli);
    const t = rc.results.totals;
    const perMin = (rc.rssMaxKb / 1024).toFixed(0);
    return [
      {
        case: `RSS after ${seconds} s at 5000/s, ${+(100 / failEvery).toFixed(2)} % failures`,
        tool: `rollcheck (${cli === 'dist' ? 'built dist' : 'from source, tsx'})`,
        value: `${(rc.rssTrafficKb / 1024).toFixed(0)} MB RSS at the end of the traffic, ${perMin} MB peak (writing results, analysis and report)`,
        target: '< 200 MB for a 10-minute run (--long)',
        note: `results file ${(rc.resultsBytes / 1024 / 1024).toFixed(1)} MB (target < 20 MB for 10 minutes), HTML report ${(rc.reportBytes / 1024).toFixed(0)} KB; baseline ${(base.rssTrafficKb / 1024).toFixed(0)} MB (same CLI, 3 s at 100/s); sent ${t.sent}, failures kept ${rc.results.failures.length} (${Object.entries(
          kinds(rc.results),
        )
          .map(([k, n]) => `${k} ${n}`)
          .join(
            ', ',
          )}), intervals ${rc.results.intervals.length}, achieved ${t.achievedRatePerSec}/s`,
      },
    ];
  } finally {
    await server.stop();
  }
}

/** kinds counts a run's failures by kind and error code. */
function kinds(r: Results): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of r.failures) {
    const k = `${f.kind}${f.errorCode ? `/${f.errorCode}` : ''}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
