import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addRolloutPhaseOptions, readRolloutPhases } from '../../src/cli/rollout-flags.js';
import { UsageError } from '../../src/errors.js';

function parse(args: string[]) {
  const cmd = addRolloutPhaseOptions(new Command('x').exitOverride(), { baseline: '1s', cooldown: '3s', rolloutTimeout: '5m' });
  cmd.parse(args, { from: 'user' });
  return readRolloutPhases(cmd.opts());
}

test('rollout phases: each command gives its defaults; values are read with their units', () => {
  assert.deepEqual(parse([]), { baselineMs: 1000, cooldownMs: 3000, rolloutTimeoutMs: 300_000 });
  assert.deepEqual(parse(['--baseline', '500ms', '--cooldown', '2s', '--rollout-timeout', '1m30s']), {
    baselineMs: 500,
    cooldownMs: 2000,
    rolloutTimeoutMs: 90_000,
  });
});

test('rollout phases: a bad value is a one-line usage error naming the flag', () => {
  assert.throws(() => parse(['--cooldown', 'later']), (e: unknown) => e instanceof UsageError && /--cooldown/.test(e.message));
  assert.throws(() => parse(['--rollout-timeout', '0s']), /--rollout-timeout: must be longer than 0/);
});
