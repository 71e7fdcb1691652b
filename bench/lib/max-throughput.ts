// The one way the benches drive rollcheck flat out (throughput, workers): a rate
// far above what the server can take, with a small cap on outstanding requests,
// so that the excess is counted as dropped and the keep-alive pool stays busy.
import type { Totals } from '../../src/results/types.js';

/** maxThroughputArgs is `rollcheck load`'s flags for a flat-out run of `seconds` over `connections` keep-alive connections. */
export function maxThroughputArgs(seconds: number, connections: number, extra: string[] = []): string[] {
  return [
    '-r',
    '200000',
    '-d',
    `${seconds}s`,
    '--warmup',
    '2s',
    '-c',
    String(connections),
    '--max-in-flight',
    String(2 * connections),
    ...extra,
  ];
}

/** okPerSec is the rate of ok answers over the recorded span (sent counts the dropped excess too). */
export function okPerSec(t: Totals): number {
  return t.sent > 0 ? (t.ok * t.achievedRatePerSec) / t.sent : 0;
}
