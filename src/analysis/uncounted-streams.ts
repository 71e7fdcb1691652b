// What an HTTP/2 or gRPC run's verdict leaves out. A stream the server refused
// before processing it (above a GOAWAY's last-stream-id, or RST_STREAM
// REFUSED_STREAM) is one every conforming client retries by itself (RFC 9113
// §8.7, gRPC's transparent retry): the verdict judges what an application on
// such a client would have seen, so it does not count them, unless
// --strict-streams. Every other figure still counts them as failures. The one
// rule serves every verdict: the run's, each scenario step's and each
// progressive rollout step's.
import { NEVER_PROCESSED_KINDS, type FailureRecord, type OutageWindow, type Results, type Thresholds, type UncountedStreams } from '../results/types.js';
import { longestWithin } from './span-totals.js';

/** WindowsOf finds the outage windows of a list of failures, as the run's own windows are found. */
export type WindowsOf = (failures: readonly FailureRecord[]) => readonly OutageWindow[];

/** leavesOut is true when a verdict under `thresholds` does not count failure `f` (a never-processed stream, without --strict-streams). */
export function leavesOut(f: FailureRecord, thresholds: Thresholds): boolean {
  return thresholds.strictStreams !== true && NEVER_PROCESSED_KINDS.has(f.kind);
}

/**
 * countedWindows is the outage windows of the failures a verdict counts: what
 * --max-outage judges in the run and in each of its steps; undefined when the
 * verdict counts every failure (none left out, or --strict-streams).
 */
export function countedWindows(
  results: Pick<Results, 'failures'>,
  thresholds: Thresholds,
  windowsOf: WindowsOf,
): readonly OutageWindow[] | undefined {
  const counted = results.failures.filter((f) => !leavesOut(f, thresholds));
  return counted.length === results.failures.length ? undefined : windowsOf(counted);
}

/**
 * uncountedStreams is what the verdict leaves out of `results`: the
 * never-processed streams and the longest outage of the other failures
 * (`counted`, from countedWindows); undefined when there is none or with
 * --strict-streams.
 */
export function uncountedStreams(
  results: Pick<Results, 'failures'>,
  thresholds: Thresholds,
  counted: readonly OutageWindow[] | undefined,
): UncountedStreams | undefined {
  // The whole run is one span.
  return counted === undefined ? undefined : spanUncounted(results.failures, counted, { startMs: -Infinity, endMs: Infinity }, thresholds);
}

/**
 * spanUncounted is uncountedStreams for one step of a run, [startMs, endMs):
 * the step's own failures that the verdict leaves out, and the longest part
 * inside the step of the counted failures' windows (`counted`, from
 * countedWindows); undefined when the step has none to leave out.
 */
export function spanUncounted(
  failures: readonly FailureRecord[],
  counted: readonly OutageWindow[] | undefined,
  span: { startMs: number; endMs: number },
  thresholds: Thresholds,
): UncountedStreams | undefined {
  const neverProcessed = failures.filter((f) => leavesOut(f, thresholds)).length;
  if (neverProcessed === 0) return undefined;
  return { neverProcessed, longestOutageMs: longestWithin(counted ?? [], span.startMs, span.endMs) };
}
