// test-lane: alone: measures the generator's own lag around a blocked event loop; neighbours would add their own
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { behindSpans } from '../../src/analysis/index.js';
import { LAG_BOUND_MS } from '../../src/results/generator-load.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { answer, startServer } from '../traffic/harness.js';

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-lag-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

// Busy-waits: nothing else in this process (the engine included) runs meanwhile.
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

test('an event loop blocked for 500 ms mid-run: the lag is recorded for that span, and the run is inconclusive, not a pass', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    const blocked = { fromEpochMs: 0, toEpochMs: 0 };
    // The engine runs in this process (--workers 1): a timer set here blocks its loop.
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (!/baseline|steady/.test(io.err()) || timer !== undefined) return;
      timer = setTimeout(() => {
        blocked.fromEpochMs = Date.now();
        blockLoop(500);
        blocked.toEpochMs = Date.now();
      }, 400);
    }, 20);
    const code = await runCli(['load', server.url, '-r', '50', '-d', '2500ms', '--warmup', '1s', '-o', 'r.json'], io).finally(() => clearInterval(poll));
    assert.ok(blocked.toEpochMs > 0, 'the loop was blocked during the run');
    assert.equal(code, 3, io.out() + io.err());
    const r = loadResults(join(tmp.dir, 'r.json'));
    const v = r.analysis?.verdict;
    assert.equal(v?.pass, false);
    assert.match(v?.inconclusive ?? '', /the generator fell behind its schedule/);
    // The block names itself unless the machine starved the process even more than the block did.
    assert.match(v?.generatorBehind ?? '', /worker 0's event loop was (blocked for \d+ ms|busy \d+% of the time but ran on a CPU only)/);
    // Behind from the moment the block began, to the timeline's resolution (one interval) and a little for the clock
    // reads; the span runs on past the block only as long as the machine keeps the process from catching up.
    const fromMs = blocked.fromEpochMs - r.meta.startEpochMs;
    const toMs = blocked.toEpochMs - r.meta.startEpochMs;
    const spans = behindSpans(r, r.meta.recordedFromMs ?? 0, r.meta.recordedToMs ?? r.meta.durationMs);
    const slack = r.meta.intervalMs + 50;
    const span = spans.find((s) => s.startMs <= fromMs + slack && s.endMs >= toMs - slack);
    assert.ok(span, `a span behind covers the block ${fromMs}-${toMs} ms: ${JSON.stringify(spans)}`);
    assert.ok(Math.abs(span.startMs - fromMs) <= slack, `span ${JSON.stringify(span)} vs block ${fromMs}-${toMs}`);
    const late = r.intervals.filter((s) => (s.lagP99Us ?? 0) > LAG_BOUND_MS * 1000);
    assert.ok(late.some((s) => s.atMs >= toMs - slack && s.atMs <= toMs + slack), `the requests the block held back went out late right after it: ${late.map((s) => s.atMs).join(', ')}`);
    // The worker's own record of its loop: blocked for the block's length, from its start.
    const w = r.totals.generator?.sources[0];
    const blockMs = toMs - fromMs;
    assert.ok(w && Math.abs(w.stallMs - blockMs) <= slack && Math.abs(w.stallAtMs - fromMs) <= slack, `the worker's own stall vs block ${fromMs}-${toMs}: ${JSON.stringify(w)}`);
    assert.match(io.out(), /INCONCLUSIVE/);
    assert.match(io.out(), /FELL BEHIND/);
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});

test('within capacity: no word of lag, the rate by actual send time, the verdict unchanged (pass)', async (t) => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    const code = await runCli(['load', server.url, '-r', '100', '-d', '2s', '--warmup', '1s', '-o', 'r.json'], io);
    const r = loadResults(join(tmp.dir, 'r.json'));
    // Other processes can starve this one of CPU outright (then the run says so, truthfully): nothing to judge here.
    const starved = /ran on a CPU only \d+%/.exec(r.analysis?.verdict.generatorBehind ?? '');
    if (starved !== null) return void t.skip(`this machine starved the test process: ${starved[0]}`);
    assert.equal(code, 0, io.out() + io.err());
    assert.equal(r.analysis?.verdict.pass, true);
    assert.equal(r.analysis?.verdict.generatorBehind, undefined);
    const started = r.intervals.reduce((n, s) => n + (s.started ?? 0), 0);
    // Every request that completed went out on a connection (late warm-up requests are sends too, though not counted).
    assert.ok(started >= r.totals.ok + r.totals.failed, `actual sends ${started}, completed ${r.totals.ok + r.totals.failed}`);
    const g = r.totals.generator;
    assert.equal(g?.sourceKind, 'worker');
    assert.equal(g?.sources.length, 1);
    assert.ok((g?.sources[0]?.eventLoopUtilization ?? -1) >= 0);
    assert.match(io.out(), /achieved of 100\/s target, by actual send time/);
    assert.match(io.out(), /kept its schedule/);
    assert.doesNotMatch(io.out() + io.err(), /fell behind|FELL BEHIND/i);
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});
