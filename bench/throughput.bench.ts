// Max throughput with one worker on one core: rollcheck (its lean client, and
// undici as the reference) vs autocannon (and wrk where installed), 10
// keep-alive connections against the same server. On a
// shared machine req/s is mostly the server's (its core is contended too), so
// each Node generator's CPU time per request is measured as well: that is what
// bounds its throughput once the server is not the limit, and it is far less
// noisy than req/s.
import { maxThroughputArgs, okPerSec } from './lib/max-throughput.js';
import { hasWrk, runAutocannon, runRollcheck, runWrk, startServer } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

/** run measures max req/s of each generator (mean of the rounds) and the ratio to autocannon. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 3 : 10;
  const rounds = o.quick ? 1 : 2;
  const server = await startServer();
  const got: Record<string, number[]> = { lean: [], undici: [], autocannon: [], wrk: [] };
  const cpu: Record<string, Array<[share: number, usPerReq: number]>> = {
    lean: [],
    undici: [],
    autocannon: [],
  };
  try {
    for (let i = 0; i < rounds; i += 1) {
      const ac = await runAutocannon(['-c', '10', '-d', String(seconds), server.url]);
      got.autocannon?.push(ac.requests.total / ac.duration);
      cpu.autocannon?.push([ac.cpuShare ?? NaN, ac.cpuUsPerRequest ?? NaN]);
      for (const client of ['lean', 'undici']) {
        const rc = await runRollcheck(server.url, maxThroughputArgs(seconds, 10, ['--client', client]));
        got[client]?.push(okPerSec(rc.results.totals));
        cpu[client]?.push([rc.cpuShare, rc.cpuUsPerOk]);
      }
      if (hasWrk()) got.wrk?.push(await runWrk(['-t1', '-c10', `-d${seconds}s`, server.url]));
    }
  } finally {
    await server.stop();
  }
  const mean = (xs: number[] = []): number =>
    xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  const ac = mean(got.autocannon);
  const rows: BenchRow[] = [];
  const each = (xs: number[] = []): string => xs.map((x) => Math.round(x)).join(', ');
  rows.push({
    case: 'max throughput (1 core, 10 conns)',
    tool: 'autocannon',
    value: `${Math.round(ac)} req/s`,
    note: `rounds: ${each(got.autocannon)}`,
  });
  for (const client of ['lean', 'undici']) {
    const rc = mean(got[client]);
    rows.push({
      case: 'max throughput (1 core, 10 conns)',
      tool: `rollcheck --client ${client}`,
      value: `${Math.round(rc)} req/s = ${(rc / ac).toFixed(2)}x autocannon`,
      target: client === 'lean' ? '>= 1.0x autocannon' : '',
      note: `rounds: ${each(got[client])}`,
    });
  }
  const cpuUs = (tool: string): number => mean(cpu[tool]?.map((c) => c[1]));
  const cpuNote = (tool: string): string =>
    `rounds: ${(cpu[tool] ?? []).map(([share, us]) => `${us.toFixed(1)} us at ${Math.round(share * 100)} % of a core`).join(', ')}`;
  rows.push({
    case: 'CPU per request (1 core, 10 conns)',
    tool: 'autocannon',
    value: `${cpuUs('autocannon').toFixed(1)} us`,
    note: cpuNote('autocannon'),
  });
  for (const client of ['lean', 'undici']) {
    rows.push({
      case: 'CPU per request (1 core, 10 conns)',
      tool: `rollcheck --client ${client}`,
      value: `${cpuUs(client).toFixed(1)} us = ${(cpuUs('autocannon') / cpuUs(client)).toFixed(2)}x autocannon's req/s per CPU`,
      target: client === 'lean' ? '>= 1.0x' : '',
      note: cpuNote(client),
    });
  }
  if (got.wrk?.length)
    rows.push({
      case: 'max throughput (1 core, 10 conns)',
      tool: 'wrk',
      value: `${Math.round(mean(got.wrk))} req/s`,
      note: `rounds: ${each(got.wrk)}`,
    });
  return rows;
}
