// Where a long run's finish goes, in bytes and in memory: a 10-minute run at
// 5 000/s with 2.5 % failures (every 40th request a 503 from one pod, as the
// rss bench's server with BENCH_FAIL_EVERY=40) recorded through the real
// recorder in this process (the outcomes are made up, nothing is sent), then
// finished as a session finishes it: recorder.finish, analyze, the results file,
// the HTML report. Prints the file's bytes by top-level key and per failure, and
// the heap, the RSS and the peak RSS so far (the kernel's high-water mark) after
// each stage; last, for comparison, the whole object as one JSON string (how v1
// files were written). --quick: 60 s.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analysis/index.js';
import { renderReport } from '../src/report/index.js';
import { createFixedClock } from '../src/results/clock.js';
import { writeResults } from '../src/results/io.js';
import { createRecorder } from '../src/results/recorder.js';
import { INTERVAL_MS, type Results } from '../src/results/types.js';
import type { BenchOptions, BenchRow } from './lib/table.js';

const RATE_PER_SEC = 5000;
const FAIL_EVERY = 40;
const CONNECTIONS = 16;

/** run records the run, finishes it stage by stage and returns a row per stage and one for the file's bytes. */
export async function run(o: BenchOptions): Promise<BenchRow[]> {
  const seconds = o.quick ? 60 : 600;
  const started = Date.now();
  const results = record(seconds);
  const recordMs = Date.now() - started;
  const rows: BenchRow[] = [];
  const what = `finishing ${seconds} s at ${RATE_PER_SEC}/s, ${results.failures.length} failures`;
  const stage = (name: string, fn: () => void): void => {
    const t0 = Date.now();
    fn();
    const m = process.memoryUsage();
    rows.push({
      case: what,
      tool: `rollcheck, in process: ${name}`,
      value: `heap ${mb(m.heapUsed)} MB, RSS ${mb(m.rss)} MB, peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
      note: `${Date.now() - t0} ms`,
    });
  };
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-bench-finish-'));
  try {
    const out = join(dir, 'run.json');
    stage(`recorded (${(recordMs / 1000).toFixed(0)} s to feed the recorder)`, () => undefined);
    stage('analyze', () => (results.analysis = analyze(results, { maxErrors: 0 })));
    stage('write the results file', () => writeResults(out, results));
    stage('render and write the report', () => writeFileSync(join(dir, 'run.html'), renderReport(results)));
    stage('for comparison: the whole object as one JSON string (v1)', () => void JSON.stringify(results).length);
    rows.push({
      case: what,
      tool: 'results file',
      value: `${mb(statSync(out).size)} MB, report ${(statSync(join(dir, 'run.html')).size / 1024).toFixed(0)} KB`,
      note: bytesByKey(out, results.failures.length),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** record feeds the recorder `seconds` of traffic, one 100 ms interval at a time as the engine does. */
function record(seconds: number): Results {
  const clock = createFixedClock();
  const rec = createRecorder({ clock, command: 'load', mode: 'load', target: 'http://127.0.0.1:1/', params: {}, targetRatePerSec: RATE_PER_SEC, warmupMs: 0, tickMs: 0 });
  rec.markRecording(0);
  const total = RATE_PER_SEC * seconds;
  const perInterval = (RATE_PER_SEC * INTERVAL_MS) / 1000;
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < total; i += 1) {
    const intendedAtMs = (i * 1000) / RATE_PER_SEC;
    const lagMs = rnd() * 0.5;
    const startAtMs = intendedAtMs + lagMs;
    const endAtMs = startAtMs + 0.3 + rnd() * 2;
    rec.recordSent(intendedAtMs, 'keepalive', lagMs);
    const kind = i % FAIL_EVERY === FAIL_EVERY - 1 ? 'http_5xx' : 'ok';
    rec.recordOutcome({ intendedAtMs, startAtMs, endAtMs, kind, status: kind === 'ok' ? 200 : 503, connId: `w0:c${i % CONNECTIONS}`, reused: true, population: 'keepalive', pod: 'bench-1', method: 'GET', answeredBy: kind === 'ok' ? undefined : 'app' });
    if ((i + 1) % perInterval === 0) {
      // Closed intervals are folded when the recorder ticks, as in a live run (nothing ends before it was meant to start).
      clock.set(intendedAtMs);
      rec.tick();
    }
  }
  clock.set(seconds * 1000 + 10);
  return rec.finish({ stopReason: 'completed', interrupted: false, inFlightAtStop: 0 });
}

function bytesByKey(path: string, failures: number): string {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const parts = Object.entries(data).map(([k, v]) => `${k} ${mb(Buffer.byteLength(JSON.stringify(v)))} MB`);
  const packed = Buffer.byteLength(JSON.stringify(data.failures));
  return `${parts.join(', ')}; ${(packed / Math.max(1, failures)).toFixed(1)} bytes per failure`;
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
