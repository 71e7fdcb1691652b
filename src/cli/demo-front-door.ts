import type { Results } from '../results/types.js';

/** MethodOutcome is what one method's users saw in a run. */
export interface MethodOutcome {
  method: string;
  failed: number;
  done: number;
}

/** methodOutcomes reads, per method, how many requests failed of those that completed. */
export function methodOutcomes(r: Results): MethodOutcome[] {
  return Object.entries(r.totals.byMethod ?? {})
    .map(([method, c]) => ({ method, failed: c.failed, done: c.ok + c.failed }))
    .sort((a, b) => a.method.localeCompare(b.method));
}

/** frontDoorLine is a demo rung's line through the ingress: what GETs saw, what POSTs saw, and what the proxy's retries hid. */
export function frontDoorLine(r: Results): string {
  const seen = methodOutcomes(r).map((m) => `${m.method}s saw ${m.failed} failed of ${m.done}`);
  return `${seen.join(' · ')} · retries hid ${r.totals.savedByRetry ?? 0}`;
}
