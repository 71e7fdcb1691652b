import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../../errors.js';
import { runRunner } from '../../traffic/runner-main.js';
import { SPEC_ENV, type RunnerSpec } from '../../traffic/runner-protocol.js';

/**
 * registerRunner adds the hidden `rollcheck runner --spec JSON`: one share of a
 * run's traffic, its outcomes as NDJSON on stdout (a Job's pod log, or a local
 * child's pipe), started and merged by `run --runners N` / `local --runners N`.
 */
export function registerRunner(program: Command, ctx: CommandContext): void {
  program
    .command('runner', { hidden: true })
    .description('internal: send one share of the traffic and stream it as NDJSON (started by --runners N)')
    .option('--spec <json>', `the runner spec the coordinator wrote (default: the ${SPEC_ENV} variable, which a runner Job fills from its Secret)`)
    .action(async (opts: { spec?: string }) => {
      const text = opts.spec ?? ctx.io.env[SPEC_ENV];
      if (text === undefined) throw new UsageError(`give --spec or ${SPEC_ENV}; this command is started by \`rollcheck run --runners N\` or \`local --runners N\``);
      const spec = withJobIndex(readSpec(text), ctx.io.env.JOB_COMPLETION_INDEX);
      ctx.setExit(await runRunner(spec, { out: ctx.io.stdout, stop: ctx.io.interrupt, ...(ctx.io.stdin ? { stdin: ctx.io.stdin } : {}) }));
    });
}

function readSpec(text: string): RunnerSpec {
  let spec: Partial<RunnerSpec>;
  try {
    spec = JSON.parse(text) as Partial<RunnerSpec>;
  } catch {
    throw new UsageError('--spec: not JSON; this command is started by `rollcheck run --runners N` or `local --runners N`');
  }
  const nums = ['index', 'count', 'epochMs', 'warmupMs', 'offsetMs', 'lateStartMs', 'maxRunMs'] as const;
  const bad = nums.find((k) => typeof spec[k] !== 'number');
  if (bad !== undefined || typeof spec.url !== 'string' || typeof spec.settings !== 'object' || spec.settings === null) {
    throw new UsageError(`--spec: ${bad ?? 'url or settings'} is missing; this command is started by \`rollcheck run --runners N\``);
  }
  return spec as RunnerSpec;
}

// A Job's pods share one spec (index -1): each takes its index from the Indexed Job and interleaves by it.
function withJobIndex(spec: RunnerSpec, fromEnv: string | undefined): RunnerSpec {
  if (spec.index >= 0) return spec;
  const index = Number(fromEnv);
  if (fromEnv === undefined || !Number.isInteger(index) || index < 0 || index >= spec.count) {
    throw new UsageError('--spec: index -1 needs JOB_COMPLETION_INDEX (an Indexed Job sets it)');
  }
  return { ...spec, index, offsetMs: (index * 1000) / (spec.settings.ratePerSec * spec.count) };
}
