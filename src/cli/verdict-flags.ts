import type { Command } from 'commander';
import { DEFAULT_MAX_ERRORS } from '../results/thresholds.js';

/** addThresholdOptions adds the verdict flags shared by load/local/run/demo/scenario to `cmd`. */
export function addThresholdOptions(cmd: Command): Command {
  return cmd
    .option('--max-errors <n>', 'fail the verdict (exit 1) when more requests than this fail', String(DEFAULT_MAX_ERRORS))
    .option('--max-error-rate <rate>', 'fail when the failed share is above this (0.1% or 0.001)')
    .option('--max-p99 <time>', 'fail when p99 latency is above this (250ms, 1s)')
    .option('--max-outage <time>', 'fail when the longest outage window is longer than this (500ms, 2s)')
    .option('--strict-streams', 'HTTP/2 and gRPC: count the streams a server refused unprocessed (GOAWAY, REFUSED_STREAM) in the verdict; by default it leaves them out, as a standard client retries them unseen');
}

