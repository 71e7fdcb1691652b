// --workers 1 vs 2 against nginx (a server that is not the bottleneck): max
// throughput and CPU per request, with the generator pinned to its one core
// (what a second worker costs when there is no core for it) and with the
// generator free to use both cores, nginx's included (all a 2-core machine can
// show of scaling: the second worker's core is the server's).
import { hasNginx, startNginx } from './lib/nginx.js';
import { maxThroughputArgs, okPerSec } from './lib/max-throughput.js';
import { LOAD_CORE, SERVER_CORE, runRollcheck } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

/** run measures rollcheck with 1 and 2 workers, two placements, alternating rounds. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  if (!hasNginx()) {
    return [
      {
        case: 'workers vs nginx',
        tool: 'rollcheck',
        value: 'skipped: nginx is not installed (apt-get install nginx-light)',
      },
    ];
  }
  const seconds = o.quick ? 3 : 10;
  const rounds = o.quick ? 1 : 2;
  const placements: Array<[string, number | string]> = [
    [`generator on core ${LOAD_CORE}`, LOAD_CORE],
    [`generator on cores ${SERVER_CORE},${LOAD_CORE} (nginx's too)`, `${SERVER_CORE},${LOAD_CORE}`],
  ];
  const got = new Map<string, Array<{ reqPerSec: number; usPerReq: number; share: number }>>();
  const server = await startNginx();
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const [where, cores] of placements) {
        for (const workers of [1, 2]) {
          const rc = await runRollcheck(server.url, maxThroughputArgs(seconds, 20, ['--workers', String(workers)]), undefined, cores);
          const key = `${where}|${workers}`;
          got.set(key, [
            ...(got.get(key) ?? []),
            {
              reqPerSec: okPerSec(rc.results.totals),
              usPerReq: rc.cpuUsPerOk,
              share: rc.cpuShare,
            },
          ]);
        }
      }
    }
  } finally {
    await server.stop();
  }
  const rows: BenchRow[] = [];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  for (const [where] of placements) {
    const one = got.get(`${where}|1`) ?? [];
    for (const workers of [1, 2]) {
      const runs = got.get(`${where}|${workers}`) ?? [];
      const rps = mean(runs.map((x) => x.reqPerSec));
      rows.push({
        case: `max throughput vs nginx, ${where}`,
        tool: `rollcheck --workers ${workers}`,
        value: `${Math.round(rps)} req/s${workers > 1 ? ` = ${(rps / mean(one.map((x) => x.reqPerSec))).toFixed(2)}x 1 worker` : ''}, ${mean(runs.map((x) => x.usPerReq)).toFixed(1)} us CPU per request`,
        note: `rounds: ${runs.map((x) => `${Math.round(x.reqPerSec)} req/s at ${Math.round(x.share * 100)} % of a core`).join(', ')}`,
      });
    }
  }
  return rows;
}
