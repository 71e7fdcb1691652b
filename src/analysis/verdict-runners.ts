import type { RunnerSummary, Verdict } from '../results/types.js';
import { formatAt } from './format.js';

/**
 * lostRunnerReasons says, for each runner whose share was lost, what part of
 * the traffic was never sent or never seen: the run cannot vouch for that
 * share, so a verdict with a lost runner does not pass. This is the
 * generator's loss, never the target's.
 */
export function lostRunnerReasons(runners: readonly RunnerSummary[] | undefined): string[] {
  return (runners ?? [])
    .filter((r) => r.status === 'lost')
    .map(
      (r) =>
        `runner ${r.index} (${r.name}) lost: its share (${r.ratePerSec}/s) was not sent or not seen from ${formatAt(r.lostFromMs ?? 0)} on (${r.lostReason ?? 'no reason known'}); a generator problem, not the target's, but the run does not cover it`,
    );
}

/** withLostRunners fails a verdict when a runner's share was lost, adding the reasons. */
export function withLostRunners(verdict: Verdict, runners: readonly RunnerSummary[] | undefined): Verdict {
  const lost = lostRunnerReasons(runners);
  if (lost.length === 0) return verdict;
  // A lost share fails the run whatever the other runners' lag: that lag cannot make the loss unsure.
  const { inconclusive, ...rest } = verdict;
  const onlyLag = inconclusive !== undefined && inconclusive === verdict.generatorBehind;
  return { ...(onlyLag ? rest : verdict), pass: false, reasons: [...(verdict.pass ? [] : verdict.reasons), ...lost] };
}
