import type { TrafficPartial } from './partial.js';
import type { MethodTotals, Results, RetriedRecord } from './types.js';

/** FrontDoorRecord is what a run keeps of the request mix and the proxy's retries (issue 12). */
export interface FrontDoorRecord {
  /** byMethod counts completions by method. */
  byMethod: Record<string, MethodTotals>;
  /** retried holds requests a proxy answered only after retrying another upstream ("saved by a retry"). */
  retried: RetriedRecord[];
}

/** createFrontDoorRecord starts an empty record. */
export function createFrontDoorRecord(): FrontDoorRecord {
  return { byMethod: {}, retried: [] };
}

/** addFrontDoorPartial adds one partial's counts by method and its retried requests. */
export function addFrontDoorPartial(r: FrontDoorRecord, p: TrafficPartial): void {
  if (p.byMethod !== undefined) {
    for (const [m, c] of Object.entries(p.byMethod)) {
      const into = (r.byMethod[m] ??= { ok: 0, failed: 0 });
      into.ok += c.ok;
      into.failed += c.failed;
    }
  }
  if (p.retried !== undefined) r.retried.push(...p.retried);
}

/** addFrontDoor adds the by-method counts and the proxy-retried requests, only when there are any (old results stay as they were). */
export function addFrontDoor(results: Results, r: FrontDoorRecord): void {
  const methods = Object.keys(r.byMethod).length > 0;
  if (methods) results.totals.byMethod = structuredClone(r.byMethod);
  if (r.retried.length > 0 || methods) results.totals.savedByRetry = r.retried.length;
  if (r.retried.length > 0) results.retried = [...r.retried].sort((a, b) => a.endAtMs - b.endAtMs);
}
