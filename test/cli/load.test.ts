// test-lane: slow: real traffic phases of seconds
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { loadResults } from '../../src/results/io.js';
import { createTestIo } from '../helpers.js';
import { answer, freePort, startServer } from '../traffic/harness.js';

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-load-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('rollcheck load writes a valid results file and prints the summary', async () => {
  const server = await startServer((n, _req, res, counts) =>
    answer(res, counts, n % 10 === 0 ? 502 : 200),
  );
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    const code = await runCli(
      [
        'load',
        server.url,
        '-r',
        '200',
        '-d',
        // Two seconds: a progress line at the recording's first second lands inside it even when the tick is late
        // on busy cores (at 1 s it raced the end: a CI run printed only the warm-up line).
        '2s',
        '--warmup',
        // A second: the JIT's first-second spike stays out of the recording, which would otherwise judge the client's lag.
        '1s',
        '--out',
        'run.json',
        '--max-errors',
        '1000',
      ],
      io,
    );
    assert.equal(code, 0, io.err());
    const r = loadResults(join(tmp.dir, 'run.json'));
    assert.equal(r.meta.command, 'load');
    assert.equal(r.meta.params.rate, undefined, 'params use the settings names');
    assert.equal(r.meta.params.ratePerSec, 200);
    assert.equal(r.totals.sent, r.totals.ok + r.totals.failed + r.totals.inFlightAtStop + (r.totals.queueExpired ?? 0));
    assert.ok(
      Math.abs(r.totals.achievedRatePerSec - 200) <= 20,
      `achieved ${r.totals.achievedRatePerSec}/s`,
    );
    assert.ok((r.totals.byKind.http_5xx ?? 0) > 0);
    assert.ok(r.meta.notes.some((n) => /warm-up, not counted/.test(n)));
    const out = io.out();
    assert.match(out, /achieved of 200\/s target/);
    assert.match(out, /http_5xx/);
    assert.match(out, /p50 .* p90 .* p99 .* max/);
    assert.match(out, /failures per second/);
    assert.match(out, /\(2\.0 s recorded, completed\)/, 'the recorded span is the schedule, not the drain after it');
    assert.match(io.err(), /steady +rate \d+\/200\/s/, 'one progress line per second');
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});

test('without --out the results go to reports/<timestamp>-load.json under the working directory', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    const code = await runCli(['load', server.url, '-r', '50', '-d', '300ms', '--warmup', '0'], io);
    assert.equal(code, 0, io.err());
    const files = readdirSync(join(tmp.dir, 'reports')).sort();
    assert.equal(files.length, 2, 'the results JSON and its HTML report');
    assert.match(files[0] ?? '', /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-load\.html$/);
    assert.equal(files[1], (files[0] ?? '').replace(/\.html$/, '.json'));
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});

test('a failed verdict exits 1 (--max-errors defaults to 0)', async () => {
  const server = await startServer((n, _req, res, counts) =>
    answer(res, counts, n % 5 === 0 ? 503 : 200),
  );
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    const code = await runCli(
      ['load', server.url, '-r', '100', '-d', '500ms', '--warmup', '0', '-o', 'r.json'],
      io,
    );
    assert.equal(code, 1, io.err());
    const r = loadResults(join(tmp.dir, 'r.json'));
    assert.equal(r.analysis?.verdict.pass, false);
    assert.equal(r.meta.params.thresholds !== undefined, true);
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});

test('Ctrl-C stops the traffic, still writes the results, and exits 130', async () => {
  const server = await startServer((_n, _req, res, counts) => answer(res, counts));
  const tmp = tempDir();
  try {
    const io = createTestIo({ cwd: tmp.dir });
    setTimeout(() => io.abort(), 800);
    const started = Date.now();
    const code = await runCli(
      ['load', server.url, '-r', '100', '-d', '30s', '--warmup', '200ms', '-o', 'r.json'],
      io,
    );
    assert.equal(code, 130);
    assert.ok(Date.now() - started < 10_000, 'stopped early');
    const r = loadResults(join(tmp.dir, 'r.json'));
    assert.equal(r.meta.interrupted, true);
    assert.equal(r.meta.stopReason, 'interrupted');
    assert.ok(r.totals.sent > 0);
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});

test('bad input: one line naming the problem, exit 2, no stack trace', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const tmp = tempDir();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['load', 'not a url'], /not a URL/],
      [['load', 'ftp://127.0.0.1/'], /http:\/\//],
      [['load', url, '--rate', '0'], /--rate/],
      [['load', 'http://user:secret@127.0.0.1:1/'], /credentials in the URL/],
      [['load', url, '--max-errors', '-1'], /--max-errors/],
      [['load', url, '--rate', '-5'], /--rate/],
      [['load', url, '--duration', 'forever'], /--duration/],
      [['load', url, '--nope'], /unknown option/],
      [['load', url, '--body-file', join(tmp.dir, 'missing.txt')], /--body-file: cannot read/],
      [
        ['load', url, '--out', join(tmp.dir, 'missing', 'r.json')],
        /--out: folder .* does not exist/,
      ],
      [
        ['load', url, '--warmup', '0', '-d', '1s', '-o', join(tmp.dir, 'r.json')],
        /nothing answers at http:\/\/127\.0\.0\.1:\d+\/ \(ECONNREFUSED\)/,
      ],
      [['load'], /missing required argument/],
    ];
    for (const [args, re] of cases) {
      const io = createTestIo({ cwd: tmp.dir });
      const code = await runCli(args, io);
      assert.equal(code, 2, `${args.join(' ')}: ${io.err()}`);
      const first = io.err().split('\n')[0] ?? '';
      assert.match(first, re, args.join(' '));
      assert.doesNotMatch(io.err(), /\n\s+at /, 'no stack trace');
    }
    assert.equal(
      existsSync(join(tmp.dir, 'r.json')),
      false,
      'nothing written when nothing answers',
    );
  } finally {
    tmp[Symbol.dispose]();
  }
});

test('rollcheck load --help shows every flag and examples', async () => {
  const io = createTestIo();
  const code = await runCli(['load', '--help'], io);
  assert.equal(code, 0);
  for (const flag of [
    '--rate',
    '--duration',
    '--warmup',
    '--connections',
    '--no-keepalive',
    '--fresh-connections',
    '--method',
    '--header',
    '--body',
    '--body-file',
    '--timeout',
    '--max-in-flight',
    '--pod-header',
    '--workers',
    '--out',
  ]) {
    assert.ok(io.out().includes(flag), flag);
  }
  assert.match(io.out(), /Examples:\n\s+\$ rollcheck load http/);
});

test('a slow target: without --connections the pool is grown and the run is clean; a given pool too small is said to be the client\'s limit, never the target\'s', async () => {
  // 150 ms per answer at 120 req/s needs 18 connections busy at once: the default 10 carry 66/s.
  const server = await startServer((n, _req, res, counts) => void setTimeout(() => answer(res, counts), 150));
  const tmp = tempDir();
  try {
    const args = ['load', server.url, '-r', '120', '-d', '2s', '--warmup', '500ms', '--timeout', '1s'];
    const io = createTestIo({ cwd: tmp.dir });
    assert.equal(await runCli([...args, '--out', 'auto.json'], io), 0, io.err());
    const auto = loadResults(join(tmp.dir, 'auto.json'));
    const grown = Number(auto.meta.params.connections);
    assert.ok(grown >= 27, `the pool grew to carry 120/s at 150 ms with headroom: ${grown}`);
    assert.ok(auto.meta.notes.some((n) => /keep-alive pool: \d+ connections instead of 10/.test(n)), auto.meta.notes.join('\n'));
    assert.match(io.err(), /keep-alive pool: \d+ connections instead of 10/);
    assert.equal(auto.totals.failed, 0);
    assert.equal(auto.totals.queueExpired ?? 0, 0);
    assert.equal(auto.totals.inFlightAtStop, 0, 'every request answered before the books closed');

    const small = createTestIo({ cwd: tmp.dir });
    const code = await runCli([...args, '--connections', '5', '--out', 'small.json'], small);
    const r = loadResults(join(tmp.dir, 'small.json'));
    assert.equal(r.meta.params.connections, 5, 'a given --connections is kept');
    assert.match(small.err(), /--connections 5 carries about 3\d req\/s .* Use --connections \d+ or more/);
    assert.notEqual(code, 0, 'a run that could not keep its rate never passes');
    assert.ok((r.totals.queueExpired ?? 0) > 0, 'requests that waited for a free connection are the generator\'s shortfall');
    assert.equal(r.totals.byKind.timeout ?? 0, 0, 'not timeouts: the target answered everything it was sent');
  } finally {
    await server.close();
    tmp[Symbol.dispose]();
  }
});
