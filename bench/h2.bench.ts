// HTTP/2 and gRPC, one core each (server on core 0, generator on core 1):
// rollcheck --protocol h2c (the lean client, and node:http2's for reference)
// against h2load on the same nghttpd, and rollcheck
// --protocol grpc against a @grpc/grpc-js unary loop on the same Python grpcio
// server, in GRPC_ROUNDS alternating rounds (the other helpers' load moves
// between minutes: each round's ratio is of two runs a few seconds apart).
// Requests per CPU-second of the generator is the figure that does not
// depend on the (shared, contended) server; max req/s is printed beside it.
// Then fixed-rate accuracy (h2-accuracy.ts): 5 000/s on h2c, five runs in a
// row, per 100 ms window as requests arrived at the server's socket, as the
// server logged them and as rollcheck counts its sends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { accuracyRows, accuracyRun, missLines, type AccuracyRun } from './h2-accuracy.js';
import { maxThroughputArgs, okPerSec } from './lib/max-throughput.js';
import { LOAD_CORE, pinned, pinServer, runRollcheck, traceCpu } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';
import { startGrpcio, startNghttpd } from '../test/traffic/h2-real.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// Fixed-rate accuracy is judged over this many runs in a row: one run's windows say little on a shared machine.
const ACCURACY_RUNS = 5;
// The gRPC ratio is measured this many times, each round a grpc-js run then a rollcheck run.
const GRPC_ROUNDS = 2;

/** run measures each generator's requests per CPU-second and req/s against nghttpd (h2c) and grpcio (gRPC). */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 3 : 10;
  const rows: BenchRow[] = [];
  const ng = await pinServer(await startNghttpd());
  try {
    const h = await runH2load(ng.port, seconds);
    rows.push(row('h2c max throughput (nghttpd)', 'h2load -c 10 -m 10', h.perSec, h.cpuUs));
    for (const client of ['lean', 'node']) {
      const rc = await runRollcheck(`http://127.0.0.1:${ng.port}/`, [...maxThroughputArgs(seconds, 10, ['--protocol', 'h2c', '--client', client]), '--max-in-flight', '100']);
      rows.push(row('h2c max throughput (nghttpd)', `rollcheck --protocol h2c --client ${client}`, okPerSec(rc.results.totals), rc.cpuUsPerOk, h.cpuUs, client === 'lean' ? '≥ 0.15×' : undefined));
    }
  } finally {
    await ng.close();
  }
  const gs = await pinServer(await startGrpcio('bench'));
  try {
    for (let round = 1; round <= (o.quick ? 1 : GRPC_ROUNDS); round += 1) {
      const g = await runGrpcJs(gs.port, seconds);
      rows.push(row('gRPC unary (python grpcio)', `@grpc/grpc-js loop, 100 in flight, round ${round}`, g.perSec, g.cpuUs));
      const rc = await runRollcheck(`http://127.0.0.1:${gs.port}/`, [...maxThroughputArgs(seconds, 10, ['--protocol', 'grpc']), '--max-in-flight', '100']);
      rows.push(row('gRPC unary (python grpcio)', `rollcheck --protocol grpc, round ${round}`, okPerSec(rc.results.totals), rc.cpuUsPerOk, g.cpuUs, '≥ 3×'));
    }
  } finally {
    await gs.close();
  }
  const runs: AccuracyRun[] = [];
  for (let i = 0; i < (o.quick ? 1 : ACCURACY_RUNS); i += 1) runs.push(await accuracyRun(seconds));
  for (const line of missLines(runs)) console.error(`bench: h2c accuracy miss: ${line}`);
  rows.push(...accuracyRows(runs));
  return rows;
}

/** row is one generator's figures; with a peer, its requests per CPU-second against the peer's (the target, when given, is on that ratio). */
function row(bench: string, tool: string, perSec: number, cpuUs: number, peerCpuUs?: number, target?: string): BenchRow {
  const ratio = peerCpuUs === undefined ? '' : `; ${(peerCpuUs / cpuUs).toFixed(2)}× the peer's requests per CPU-second`;
  return { case: bench, tool, value: `${Math.round(perSec)} req/s`, ...(target !== undefined ? { target } : {}), note: `${cpuUs.toFixed(1)} µs CPU per request${ratio}` };
}

async function runH2load(port: number, seconds: number): Promise<{ perSec: number; cpuUs: number }> {
  const [cmd, argv] = pinned(LOAD_CORE, 'h2load', ['-D', String(seconds), '-c', '10', '-m', '10', `http://127.0.0.1:${port}/`]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  const cpu = traceCpu(child.pid, 50);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await once(child, 'exit');
  cpu.stop();
  const done = Number(/(\d+) succeeded/.exec(out)?.[1] ?? NaN);
  const perSec = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN);
  const last = cpu.samples[cpu.samples.length - 1]?.[1] ?? NaN;
  return { perSec, cpuUs: (last * 1000) / done };
}

async function runGrpcJs(port: number, seconds: number): Promise<{ perSec: number; cpuUs: number }> {
  const [cmd, argv] = pinned(LOAD_CORE, process.execPath, ['--import', 'tsx', `${ROOT}bench/h2-grpcjs-loop.ts`, String(port), String(seconds), '100']);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await once(child, 'exit');
  const [calls, cpuUs] = out.trim().split(' ').map(Number) as [number, number];
  return { perSec: calls / seconds, cpuUs: cpuUs / calls };
}
