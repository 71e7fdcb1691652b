import { NEVER_PROCESSED_KINDS, type FailureRecord, type HiddenCount, type Results } from './types.js';

/** HiddenByRetry counts the failures a standard HTTP/2 or gRPC client would have retried unseen, in all and by pod. */
export type HiddenByRetry = HiddenCount;

/**
 * hiddenByStandardClient counts the streams the server never processed
 * (refused by GOAWAY, REFUSED_STREAM): real gRPC clients retry those
 * transparently, so an application would not have seen them. They stay
 * failures in every other figure; this is the second view, never a success.
 */
export function hiddenByStandardClient(failures: readonly FailureRecord[]): HiddenByRetry {
  const out: HiddenByRetry = { total: 0, byPod: {} };
  for (const f of failures) {
    if (!NEVER_PROCESSED_KINDS.has(f.kind)) continue;
    out.total += 1;
    const pod = f.pod ?? '';
    out.byPod[pod] = (out.byPod[pod] ?? 0) + 1;
  }
  return out;
}

/**
 * hiddenOf is a run's count of failures a standard client would have hidden:
 * the totals' figure, else (files written before it) counted from the failures.
 */
export function hiddenOf(results: Results): HiddenByRetry {
  return results.totals.hiddenByStandardClient ?? hiddenByStandardClient(results.failures);
}
