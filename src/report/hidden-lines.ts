import { withIncarnations } from '../analysis/incarnations.js';
import { hiddenByStandardClient, type HiddenByRetry } from '../results/never-processed.js';
import type { Results } from '../results/types.js';

/**
 * hiddenText words, for the terminal summary and the report, the failures a
 * standard HTTP/2 or gRPC client would have retried unseen (the server never
 * processed them), in all and by pod; null for a run with neither HTTP/2
 * connections nor such a failure. They stay failures: this is the second view,
 * what an application on a standard client would have seen.
 */
export function hiddenText(results: Results): string | null {
  const hidden = hiddenByIncarnation(results);
  if (results.connections === undefined && results.totals.hiddenByStandardClient === undefined && hidden.total === 0) return null;
  if (hidden.total === 0) return 'none: no stream was refused unprocessed (by a GOAWAY or REFUSED_STREAM)';
  const pods = Object.entries(hidden.byPod)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([pod, n]) => `${pod === '' ? 'no pod named' : pod} ${n}`);
  const failed = results.totals.failed;
  const verdict = results.analysis?.verdict;
  const counted =
    verdict === undefined
      ? 'still counted as failures here'
      : verdict.uncounted !== undefined
        ? `the verdict leaves ${verdict.uncounted.neverProcessed === 1 ? 'it' : 'them'} out (--strict-streams counts them), every other figure counts them`
        : verdict.thresholds.strictStreams === true
          ? 'the verdict counts them (--strict-streams)'
          : 'still counted as failures here';
  return (
    `${hidden.total} of ${failed} failures were never processed (refused by a GOAWAY or REFUSED_STREAM): ` +
    `a standard gRPC or HTTP/2 client retries those unseen, so an application would have seen ${failed - hidden.total}; ` +
    `${counted} · by pod: ${pods.join(', ')}`
  );
}

/**
 * hiddenByIncarnation is the run's hidden count with its pods told apart by
 * incarnation (a StatefulSet's `web-2` and `web-2 (2)`): counted again from the
 * failures named by incarnation, which hold every one of them; the totals'
 * figure (by the name the pods gave) when they do not agree. As hiddenOf, it
 * counts from the failures for a file written before the totals held it.
 */
function hiddenByIncarnation(results: Results): HiddenByRetry {
  const named = hiddenByStandardClient(withIncarnations(results).failures);
  const recorded = results.totals.hiddenByStandardClient;
  return recorded === undefined || named.total === recorded.total ? named : recorded;
}
