// What an HTTP/2 or gRPC run's verdict leaves out. A stream the server refused
// before processing it (above a GOAWAY's last-stream-id, or RST_STREAM
// REFUSED_STREAM) is one every conforming client retries by itself (RFC 9113
// §8.7, gRPC's transparent retry): the verdict judges what an application on
// such a client would have seen, so it does not count them, unless
// --strict-streams. Every other figure still counts them as failures.
import { NEVER_PROCESSED_KINDS, type FailureRecord, type OutageWindow, type Results, type Thresholds, type UncountedStreams } from '../results/types.js';

/**
 * uncountedStreams is what the verdict leaves out of `results`: the
 * never-processed streams and the longest outage of the other failures
 * (`windowsOf` finds a list's outage windows); undefined when there is none or
 * with --strict-streams.
 */
export function uncountedStreams(
  results: Pick<Results, 'failures'>,
  thresholds: Thresholds,
  windowsOf: (failures: readonly FailureRecord[]) => readonly OutageWindow[],
): UncountedStreams | undefined {
  if (thresholds.strictStreams === true) return undefined;
  const counted = results.failures.filter((f) => !NEVER_PROCESSED_KINDS.has(f.kind));
  const neverProcessed = results.failures.length - counted.length;
  if (neverProcessed === 0) return undefined;
  const longestOutageMs = windowsOf(counted).reduce((m, w) => Math.max(m, w.durationMs), 0);
  return { neverProcessed, longestOutageMs };
}
