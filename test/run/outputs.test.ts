import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { runSession } from '../../src/run/session.js';
import { checkFolder, type Output } from '../../src/run/outputs/index.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { judgeExit } from '../helpers/traffic-command.js';
import { answer, settingsFor, startServer } from '../traffic/harness.js';

/** A real output: it writes a file of its own (the count of ok requests) and logs what the run called on it. */
function countingOutput(path: string, calls: string[], failStop = false): Output {
  return {
    name: 'count file',
    check: () => {
      calls.push('check');
      checkFolder(path, '--count-file');
    },
    start: (live) => {
      calls.push(`start:${live.snapshot().phase}`);
    },
    finish: (run) => {
      calls.push(`finish:${run.written.map((w) => w.label).join(',')}:${run.results.analysis === null ? 'raw' : 'analysed'}`);
      writeFileSync(path, String(run.results.totals.ok));
      run.written.push({ label: 'count', path });
    },
    stop: () => {
      calls.push('stop');
      if (failStop) throw new Error('port still bound');
    },
  };
}

test('the output seam: an added output is checked, started, finished after the results file and report, listed, and stopped', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-outputs-'));
  const server = await startServer((_n, _req, res, counts) => answer(res, counts, 200, 'web-1'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const calls: string[] = [];
  const io = createTestIo({ cwd: dir });
  const countPath = join(dir, 'count.txt');
  const s = await runSession({
    io,
    command: 'load',
    mode: 'load',
    params: {},
    url: server.url,
    traffic: settingsFor({ ratePerSec: 50, warmupMs: 0 }),
    plan: async (c) => void (await c.sleep(400)),
    outPath: join(dir, 'run.json'),
    thresholds: {},
    dashboard: false,
    outputs: [countingOutput(countPath, calls, true)],
  });
  assert.deepEqual(calls, ['check', 'start:warmup', 'finish:results,report:analysed', 'stop']);
  const results = loadResults(join(dir, 'run.json'));
  assert.ok(results.totals.ok > 0);
  assert.equal(readFileSync(countPath, 'utf8'), String(results.totals.ok), 'the output saw the same results as the file');
  // The terminal summary comes last and lists every file, the added one included.
  assert.match(io.out(), /^results: .*run\.json\nreport: {2}.*run\.html\ncount: {3}.*count\.txt\n$/m);
  // A failing stop is a warning, never a lost run.
  assert.match(io.err(), /warning: count file output: stop failed: Error: port still bound/);
  // A pass, or inconclusive only because a busy machine held the generator back.
  judgeExit(s.exitCode, results, [0], io.err());
});

test('the output seam: an output that cannot write fails before any traffic, as a one-line usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-outputs-'));
  try {
    const calls: string[] = [];
    await assert.rejects(
      runSession({
        io: createTestIo({ cwd: dir }),
        command: 'load',
        mode: 'load',
        params: {},
        url: 'http://127.0.0.1:9/',
        traffic: settingsFor(),
        plan: async () => undefined,
        outPath: join(dir, 'run.json'),
        thresholds: {},
        dashboard: false,
        outputs: [countingOutput(join(dir, 'missing', 'count.txt'), calls)],
      }),
      (e: unknown) => e instanceof UsageError && /^--count-file: folder .*missing does not exist/.test(e.message),
    );
    assert.deepEqual(calls, ['check']);
    assert.equal(existsSync(join(dir, 'run.json')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the output seam: a judge changes the verdict before any output writes, so the file, the other outputs and the exit code agree', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-outputs-'));
  const server = await startServer((_n, _req, res, counts) => answer(res, counts, 200, 'web-1'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const seen: string[] = [];
  const judge: Output = {
    name: 'judge',
    judge: (r) => {
      if (r.analysis) r.analysis.verdict = { ...r.analysis.verdict, pass: false, reasons: ['judged: too good to be true'] };
    },
    finish: () => undefined,
  };
  // Listed after the observer: judges still run before every finish.
  const observer: Output = { name: 'observer', finish: (run) => void seen.push(run.results.analysis?.verdict.reasons.join() ?? '') };
  const s = await runSession({
    io: createTestIo({ cwd: dir }),
    command: 'load',
    mode: 'load',
    params: {},
    url: server.url,
    traffic: settingsFor({ ratePerSec: 50, warmupMs: 0 }),
    plan: async (c) => void (await c.sleep(300)),
    outPath: join(dir, 'run.json'),
    thresholds: { maxErrors: 0 },
    dashboard: false,
    outputs: [observer, judge],
  });
  assert.deepEqual(seen, ['judged: too good to be true']);
  assert.deepEqual(loadResults(join(dir, 'run.json')).analysis?.verdict.reasons, ['judged: too good to be true']);
  assert.equal(s.exitCode, 1);
});
