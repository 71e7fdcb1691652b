// The coordinator's merge cost with --runners: `rollcheck load --runners 10` at
// 10 × 2 000 req/s against a loopback server, the coordinator's CPU (share of one
// core over the recorded window) and RSS sampled from /proc. The runners are
// child processes; their CPU is theirs, not the coordinator's. Bounded: ~20 s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResults } from '../src/results/io.js';
import { rssKb, startServer, traceCpu } from './lib/procs.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNNERS = 10;
const PER_RUNNER = 2000;

/** run measures one run and returns the coordinator's cost per runner. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 5 : 12;
  const server = await startServer({});
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-bench-runners-'));
  try {
    const out = join(dir, 'run.json');
    const args = ['--import', 'tsx', join(ROOT, 'src/cli/entry.ts'), 'load', server.url, '--runners', String(RUNNERS), '-r', String(RUNNERS * PER_RUNNER), '-d', `${seconds}s`, '--warmup', '2s', '-c', '40', '--no-dashboard', '--out', out];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
    let rssTrafficKb = 0;
    let rssMaxKb = 0;
    child.stderr?.on('data', (d: Buffer) => {
      if (/ rate \d+\//.test(d.toString())) rssTrafficKb = Math.max(rssTrafficKb, rssKb(child.pid));
    });
    const sampler = setInterval(() => (rssMaxKb = Math.max(rssMaxKb, rssKb(child.pid))), 500);
    const cpu = traceCpu(child.pid);
    await once(child, 'exit');
    clearInterval(sampler);
    cpu.stop();
    const r = loadResults(out);
    const m = r.meta;
    const share = cpu.share(m.startEpochMs + (m.recordedFromMs ?? 0), m.startEpochMs + (m.recordedToMs ?? m.durationMs));
    const merged = r.totals.achievedRatePerSec;
    const runners = m.runners ?? [];
    const lost = runners.filter((x) => x.status === 'lost').length;
    return [
      {
        case: `coordinator merge cost, ${RUNNERS} runners × ${PER_RUNNER}/s, ${seconds} s`,
        tool: 'rollcheck load --runners (from source, tsx)',
        value: `${((share * 100) / RUNNERS).toFixed(1)} % of a core per runner (${(share * 100).toFixed(0)} % in all); ${((share * 1e6) / Math.max(1, merged)).toFixed(1)} µs CPU per merged request; RSS ${(rssTrafficKb / 1024).toFixed(0)} MB in traffic, ${(rssMaxKb / 1024).toFixed(0)} MB peak`,
        note: `merged ${merged}/s of ${RUNNERS * PER_RUNNER}/s (2 shared cores: the runners themselves are the bottleneck), sent ${r.totals.sent}, lost runners ${lost}, sent = ok + failed + in flight: ${r.totals.sent === r.totals.ok + r.totals.failed + r.totals.inFlightAtStop}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}
