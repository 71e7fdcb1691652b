// Rule keepalive-reset: pods cut reused keep-alive connections at shutdown
// under requests clients were sending on them.
import type { Finding } from '../results/types.js';
import { hiddenByRetry } from './causes.js';
import { group, kindsText, type FindingRule, type RuleInput } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { plural } from './format.js';

/** keepaliveReset finds the requests on reused keep-alive connections cut when pods shut down, and how many a retrying client would have hidden. */
export const keepaliveReset: FindingRule = { id: 'keepalive-reset', find };

function find(input: RuleInput): Finding | null {
  const g = group(input, 'keepalive-reset');
  if (g.failures.length === 0) return null;
  const method = String(input.results.meta.params.method ?? 'GET').toUpperCase();
  const hidden = g.failures.filter((f) => hiddenByRetry(f, method)).length;
  const evidence = [...g.byPod].map(
    ([pod, list]) => `${pod}: ${plural(list.length, 'request')} on reused keep-alive connections cut at shutdown (${kindsText(list)})`,
  );
  evidence.push(
    `A client that retries idempotent requests on a closed keep-alive connection (Go's net/http transport, browsers) would have hidden ${hidden} of ${g.failures.length}` +
      (hidden < g.failures.length ? ` (the rest are not ${method === 'GET' ? 'retryable' : `retryable for ${method}`})` : '') +
      `; a client without retry (undici, fetch in a script, curl) sees all ${g.failures.length}.`,
  );
  return {
    id: 'keepalive-reset',
    severity: 'critical',
    title: `${plural(g.failures.length, 'request')} on reused keep-alive connections were cut when pods shut down`,
    evidence,
    fix: FIXES['keepalive-reset'],
    pods: [...g.byPod.keys()],
    failures: g.failures.length,
    data: { hiddenByRetry: hidden, seenWithoutRetry: g.failures.length, method },
  };
}
