import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addThresholdOptions } from '../../src/cli/verdict-flags.js';
import { parseErrorRate, readThresholds } from '../../src/results/thresholds.js';
import { UsageError } from '../../src/errors.js';

function parse(args: string[]): Record<string, unknown> {
  const cmd = addThresholdOptions(new Command('x').exitOverride());
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
}

test('verdict flags: defaults to no failed request allowed, nothing else checked', () => {
  assert.deepEqual(readThresholds(parse([])), { maxErrors: 0 });
});

test('verdict flags: every limit is read with its unit', () => {
  const th = readThresholds(parse(['--max-errors', '5', '--max-error-rate', '0.1%', '--max-p99', '250ms', '--max-outage', '1.5s']));
  assert.deepEqual(th, { maxErrors: 5, maxErrorRate: 0.001, maxP99Ms: 250, maxOutageMs: 1500 });
  assert.equal(parseErrorRate('0.001'), 0.001);
  assert.equal(parseErrorRate('2%'), 0.02);
  assert.equal(parseErrorRate('0'), 0);
});

test('verdict flags: mistakes are one-line usage errors naming the flag', () => {
  for (const args of [['--max-errors', '-1'], ['--max-errors', '1.5'], ['--max-error-rate', '150%'], ['--max-error-rate', 'x'], ['--max-error-rate', '%'], ['--max-p99', 'fast'], ['--max-outage', '2 hours']]) {
    assert.throws(() => readThresholds(parse(args)), (e: unknown) => e instanceof UsageError && !e.message.includes('\n') && e.message.startsWith('--max-'), args.join(' '));
  }
});
