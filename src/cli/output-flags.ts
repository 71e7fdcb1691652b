import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { parseDurationMs } from '../parse.js';
import { DEFAULT_REGRESSION_LIMITS, parseRegressionLimits } from '../analysis/regression-limits.js';
import {
  annotationsOutput,
  baselineJudge,
  junitOutput,
  loadBaseline,
  markdownOutput,
  metricsOutput,
  type Baseline,
  type Output,
} from '../run/outputs/index.js';

/** OutputFlagOptions: `live` false leaves out the flags that need a run going (the metrics endpoint), for `rollcheck report`. */
export interface OutputFlagOptions {
  live?: boolean;
}

/** addOutputOptions adds the CI and game-day output flags (JUnit, Markdown, baseline, metrics) to `cmd`. */
export function addOutputOptions(cmd: Command, options: OutputFlagOptions = {}): Command {
  cmd
    .option('--junit <file>', 'also write JUnit XML: a test case per threshold, finding, rollout phase and scenario step')
    .option('--summary-md <file>', 'also write a Markdown summary (appended to $GITHUB_STEP_SUMMARY as well when that is set)')
    .option('--baseline-results <file>', 'judge the run against a saved run too: a regression fails the verdict (see --max-regression)')
    .option(
      '--max-regression <limits>',
      `how much worse than --baseline-results a run may be: errors=N, findings=N, outage=TIME|P%, p50=TIME|P%, p99=TIME|P% (default ${DEFAULT_REGRESSION_LIMITS})`,
    );
  if (options.live === false) return cmd;
  return cmd
    .option('--metrics-port <[host:]port>', 'serve live Prometheus metrics at http://HOST:PORT/metrics for the whole run (host default 127.0.0.1)')
    .option('--metrics-linger <time>', 'keep serving the final figures this long after the run, for a last scrape (15s)');
}

/**
 * readOutputs builds the outputs the flags of addOutputOptions ask for, in the
 * order they run: the baseline's judgement first (it only changes the verdict),
 * then the files, the annotations, and the metrics endpoint. Annotations come
 * when GITHUB_ACTIONS=true, the job summary when GITHUB_STEP_SUMMARY is set.
 */
export function readOutputs(opts: Record<string, unknown>, io: Io): Output[] {
  const path = (v: unknown): string | undefined => (typeof v === 'string' ? resolve(io.cwd, v) : undefined);
  const baseline = readBaseline(opts, io);
  const outputs: Output[] = [];
  if (baseline) outputs.push(baselineJudge(baseline));
  const junit = path(opts.junit);
  if (junit !== undefined) outputs.push(junitOutput(junit, baseline));
  const md = path(opts.summaryMd);
  const step = io.env.GITHUB_STEP_SUMMARY;
  const stepSummaryPath = step !== undefined && step !== '' ? resolve(io.cwd, step) : undefined;
  if (md !== undefined || stepSummaryPath !== undefined) {
    outputs.push(markdownOutput({ ...(md !== undefined ? { path: md } : {}), ...(stepSummaryPath !== undefined ? { stepSummaryPath } : {}), ...(baseline ? { baseline } : {}) }));
  }
  if (io.env.GITHUB_ACTIONS === 'true') outputs.push(annotationsOutput());
  const metrics = readMetrics(opts, io);
  if (metrics) outputs.push(metrics);
  return outputs;
}

function readBaseline(opts: Record<string, unknown>, io: Io): Baseline | undefined {
  const limitsText = typeof opts.maxRegression === 'string' ? opts.maxRegression : undefined;
  if (typeof opts.baselineResults !== 'string') {
    if (limitsText !== undefined) throw new UsageError('--max-regression needs --baseline-results FILE: the run it is measured against');
    return undefined;
  }
  const limits = parseRegressionLimits(limitsText ?? DEFAULT_REGRESSION_LIMITS);
  return loadBaseline(resolve(io.cwd, opts.baselineResults), limits);
}

function readMetrics(opts: Record<string, unknown>, io: Io): Output | undefined {
  const lingerText = typeof opts.metricsLinger === 'string' ? opts.metricsLinger : undefined;
  if (typeof opts.metricsPort !== 'string') {
    if (lingerText !== undefined) throw new UsageError('--metrics-linger needs --metrics-port PORT: the endpoint that lingers');
    return undefined;
  }
  const m = /^(?:(.+):)?(\d+)$/.exec(opts.metricsPort.trim());
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`--metrics-port: cannot read "${opts.metricsPort}"; give a port (9464) or host:port (0.0.0.0:9464)`);
  }
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const lingerMs = lingerText === undefined ? 0 : parseDurationMs(lingerText, '--metrics-linger');
  return metricsOutput({ host, port, lingerMs, io });
}
