import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../parse.js';

/** RolloutPhases are how long a rollout command records around the rollout, and how long it waits for it. */
export interface RolloutPhases {
  baselineMs: number;
  cooldownMs: number;
  rolloutTimeoutMs: number;
}

/** addRolloutPhaseOptions adds --baseline, --cooldown and --rollout-timeout with the command's defaults. */
export function addRolloutPhaseOptions(
  cmd: Command,
  defaults: { baseline: string; cooldown: string; rolloutTimeout: string },
): Command {
  return cmd
    .option('--baseline <time>', 'recorded traffic before the rollout starts', defaults.baseline)
    .option('--cooldown <time>', 'recorded traffic after the rollout completed', defaults.cooldown)
    .option(
      '--rollout-timeout <time>',
      'give up waiting for the rollout after this long (fails the verdict)',
      defaults.rolloutTimeout,
    );
}

/** readRolloutPhases reads what addRolloutPhaseOptions added; a bad value is a one-line usage error. */
export function readRolloutPhases(opts: Record<string, unknown>): RolloutPhases {
  const phases = {
    baselineMs: parseDurationMs(String(opts.baseline), '--baseline'),
    cooldownMs: parseDurationMs(String(opts.cooldown), '--cooldown'),
    rolloutTimeoutMs: parseDurationMs(String(opts.rolloutTimeout), '--rollout-timeout'),
  };
  if (phases.rolloutTimeoutMs <= 0) {
    throw new UsageError('--rollout-timeout: must be longer than 0; use e.g. 5m');
  }
  return phases;
}
