import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs, parsePositive } from '../parse.js';
import { VERSION } from '../version.js';

const MAX_RUNNERS = 200;

/** RunnerFlags are `--runners N` and, on a cluster, how the runner pods are made. */
export interface RunnerFlags {
  /** runners is 0 when the traffic comes from this process. */
  runners: number;
  image?: string;
  startDelayMs: number;
}

/** addRunnerOptions adds `--runners N` (and on `run`, the runner pods' image and start delay). */
export function addRunnerOptions(cmd: Command, where: 'local' | 'kube'): void {
  const whereText = where === 'kube' ? 'pods of an Indexed Job in the cluster' : 'child processes of this one';
  cmd.option('--runners <n>', `send the traffic from N runners (${whereText}), each at rate/N, merged live`);
  if (where === 'kube') {
    cmd
      .option('--runner-image <image>', 'image of the runner pods: this rollcheck version on Node 20 (build it with manifests/runner/Dockerfile)', `rollcheck:${VERSION}`)
      .option('--runner-start-delay <duration>', 'time the runner pods get to start before the common start', '20s');
  }
}

/** readRunnerFlags validates them; `--workers` with `--runners` is refused (each runner is one engine). */
export function readRunnerFlags(opts: Record<string, unknown>): RunnerFlags {
  if (opts.runners === undefined) return { runners: 0, startDelayMs: 0 };
  const runners = parsePositive(String(opts.runners), '--runners', true);
  if (runners > MAX_RUNNERS) throw new UsageError(`--runners: ${runners} is too many; use at most ${MAX_RUNNERS}`);
  if (opts.workers !== undefined && String(opts.workers) !== '1') {
    throw new UsageError('--workers and --runners: give only one; each runner is one engine, so raise --runners instead');
  }
  const image = typeof opts.runnerImage === 'string' ? opts.runnerImage : undefined;
  const startDelayMs = parseDurationMs(String(opts.runnerStartDelay ?? '20s'), '--runner-start-delay');
  return { runners, ...(image === undefined ? {} : { image }), startDelayMs };
}
