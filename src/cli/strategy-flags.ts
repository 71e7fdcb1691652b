import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs, parseNonNegative } from '../parse.js';
import { DEFAULT_SCALE_DOWN_DELAY_MS, parseCanarySteps, type ProgressiveStrategy } from '../cluster/local/progressive-strategy.js';

const STRATEGIES = ['rolling', 'canary', 'blue-green'] as const;

/** addStrategyOptions adds --strategy, --steps, --scale-down-delay and --abort-at (the embedded runtime's Argo Rollouts strategies). */
export function addStrategyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--strategy <kind>', "how the rollout replaces pods: rolling (a Deployment's), or an Argo Rollout's canary or blue-green").choices([...STRATEGIES]).default('rolling'))
    .option('--steps <list>', 'canary steps: weights (by replica counts) and pauses, e.g. "25%,pause 5s,50%,pause 5s"')
    .option('--scale-down-delay <time>', "blue-green: scaleDownDelaySeconds, how long the old pods stay up after the switch (Argo's default 30s)")
    .option('--abort-at <step>', 'abort the rollout when this step starts (canary: the step index; blue-green: 1 = before the switch, 2 = before the scale-down) to test the way back');
}

/** readStrategy reads the strategy flags; undefined for a Deployment's rolling update. */
export function readStrategy(opts: Record<string, unknown>): ProgressiveStrategy | undefined {
  const kind = String(opts.strategy ?? 'rolling');
  if (!(STRATEGIES as readonly string[]).includes(kind)) throw new UsageError(`--strategy: "${kind}" is not one of rolling, canary, blue-green`);
  const steps = typeof opts.steps === 'string' ? opts.steps : undefined;
  const delay = typeof opts.scaleDownDelay === 'string' ? opts.scaleDownDelay : undefined;
  const abortText = typeof opts.abortAt === 'string' ? opts.abortAt : undefined;
  const abortAtStep = abortText === undefined ? undefined : parseNonNegative(abortText, '--abort-at', true);
  const abort = abortAtStep === undefined ? {} : { abortAtStep };
  if (kind === 'rolling') {
    const stray = steps !== undefined ? '--steps' : delay !== undefined ? '--scale-down-delay' : abortText !== undefined ? '--abort-at' : undefined;
    if (stray) throw new UsageError(`${stray} needs --strategy canary or blue-green`);
    return undefined;
  }
  if (kind === 'canary') {
    if (delay !== undefined) throw new UsageError('--scale-down-delay is for --strategy blue-green (a canary without a traffic router scales its stable pods down step by step)');
    const parsed = parseCanarySteps(steps ?? '25%,pause 5s,50%,pause 5s');
    if (abortAtStep !== undefined && abortAtStep >= parsed.length) {
      throw new UsageError(`--abort-at: the canary has steps 0-${parsed.length - 1}; use one of them`);
    }
    return { kind: 'canary', steps: parsed, ...abort };
  }
  if (steps !== undefined) throw new UsageError('--steps is for --strategy canary; blue-green has preview, switch and scale-down');
  if (abortAtStep !== undefined && abortAtStep !== 1 && abortAtStep !== 2) {
    throw new UsageError('--abort-at: blue-green aborts at 1 (before the switch) or 2 (after it, before the scale-down)');
  }
  const scaleDownDelayMs = delay === undefined ? DEFAULT_SCALE_DOWN_DELAY_MS : parseDurationMs(delay, '--scale-down-delay');
  return { kind: 'blue-green', scaleDownDelayMs, ...abort };
}
