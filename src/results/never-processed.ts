import { NEVER_PROCESSED_KINDS, type FailureRecord } from './types.js';

/** HiddenByRetry counts the failures a standard HTTP/2 or gRPC client would have retried unseen, in all and by pod. */
export interface HiddenByRetry {
  total: number;
  /** byPod counts them by the pod last seen on their connection ('' when none was named). */
  byPod: Record<string, number>;
}

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
