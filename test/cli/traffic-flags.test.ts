import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTrafficOptions } from '../../src/cli/traffic-flags.js';
import { readTrafficSettings, trafficParams } from '../../src/traffic/settings.js';
import { UsageError } from '../../src/errors.js';

function parse(args: string[], freshPercent = 0, cwd?: string) {
  const cmd = addTrafficOptions(new Command('x').exitOverride(), {
    freshPercent,
    durationMs: 60_000,
  });
  cmd.parse(args, { from: 'user' });
  return readTrafficSettings(cmd.opts(), cwd);
}

test('defaults: 100/s, the command default duration, 2 s warm-up, 10 keep-alive connections, 5 s timeout', () => {
  const s = parse([], 20);
  assert.equal(s.ratePerSec, 100);
  assert.equal(s.durationMs, 60_000);
  assert.equal(s.warmupMs, 2000);
  assert.equal(s.connections, 10);
  assert.equal(s.connectionsAuto, true, 'not given: the run may grow the pool');
  assert.equal(s.keepAlive, true);
  assert.equal(s.freshPercent, 20);
  assert.equal(s.timeoutMs, 5000);
  assert.equal(s.maxInFlight, 1000);
  assert.equal(s.podHeader, 'x-pod-name');
  assert.equal(s.workers, 1);
  assert.equal(s.method, 'GET');
  assert.equal(s.protocol, 'http1', 'the default protocol is in the settings, not repaired where they are used');
  assert.equal(trafficParams(s).protocol, 'http1', 'and in the results file');
});

test('every flag is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-settings-'));
  try {
    writeFileSync(join(dir, 'body.json'), '{"a":1}');
    const s = parse(
      [
        '-r',
        '2000',
        '-d',
        '1m30s',
        '--warmup',
        '0',
        '-c',
        '32',
        '--fresh-connections',
        '25%',
        '-m',
        'post',
        '-H',
        'a: b',
        '-H',
        'Authorization: Bearer x',
        '--body-file',
        'body.json',
        '--timeout',
        '500ms',
        '--max-in-flight',
        '50',
        '--pod-header',
        'X-Served-By',
        '--workers',
        '2',
      ],
      0,
      dir,
    );
    assert.equal(s.ratePerSec, 2000);
    assert.equal(s.durationMs, 90_000);
    assert.equal(s.warmupMs, 0);
    assert.equal(s.connections, 32);
    assert.equal(s.connectionsAuto, false, 'given: kept as it is');
    assert.equal(s.freshPercent, 25);
    assert.equal(s.method, 'POST');
    assert.deepEqual(s.headers, [
      ['a', 'b'],
      ['Authorization', 'Bearer x'],
    ]);
    assert.equal(Buffer.from(s.body ?? []).toString(), '{"a":1}');
    assert.equal(s.timeoutMs, 500);
    assert.equal(s.maxInFlight, 50);
    assert.equal(s.podHeader, 'x-served-by');
    assert.equal(s.workers, 2);
    const params = trafficParams(s);
    assert.deepEqual(
      params.headers,
      ['a', 'Authorization'],
      'header values (credentials) never reach results',
    );
    assert.equal(params.bodyBytes, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--no-keepalive sends everything on new connections', () => {
  assert.equal(parse(['--no-keepalive']).freshPercent, 100);
});

test('bad values are one-line usage errors naming the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['-r', '0'], /--rate/],
    [['-r', 'fast'], /--rate/],
    [['-d', 'soon'], /--duration/],
    [['-d', '0s'], /--duration/],
    [['-c', '1.5'], /--connections/],
    [['--fresh-connections', '120'], /--fresh-connections/],
    [['-H', 'nocolon'], /--header/],
    [['--timeout', '0'], /--timeout/],
    [['--max-in-flight', '-3'], /--max-in-flight/],
    [['--workers', '0'], /--workers/],
    [['--workers', '100'], /--workers/],
    [['--body-file', '/nonexistent/rollcheck-body'], /--body-file: cannot read/],
    [['--body', 'x', '--body-file', 'y'], /only one/],
    [['-m', 'GE T'], /--method/],
    [['--pod-header', 'bad header'], /--pod-header/],
  ];
  for (const [args, re] of cases) {
    assert.throws(
      () => parse(args),
      (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'),
      args.join(' '),
    );
  }
});

test('rollout commands (no duration default) have no --duration flag: the rollout decides how long traffic runs', () => {
  const cmd = addTrafficOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => undefined }), {
    freshPercent: 20,
  });
  assert.equal(cmd.options.some((o) => o.long === '--duration'), false);
  assert.throws(() => cmd.parse(['--duration', '10s'], { from: 'user' }), /unknown option/);
});

test('--client: lean by default, undici on request, nothing else', () => {
  assert.equal(parse([]).client, 'lean');
  assert.equal(parse(['--client', 'undici']).client, 'undici');
  assert.throws(() => parse(['--client', 'curl']), /--client/);
});
