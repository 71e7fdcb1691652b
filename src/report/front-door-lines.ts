import type { Results } from '../results/types.js';

/**
 * frontDoorLines words, for the terminal summary, what each method saw, what a
 * proxy's retries saved, and who wrote the HTTP failures: the app or a proxy in
 * front of it. Empty for a run of one method with no proxy in sight.
 */
export function frontDoorLines(results: Results): string[] {
  const t = results.totals;
  const methods = Object.entries(t.byMethod ?? {}).sort((a, b) => a[0].localeCompare(b[0]));
  const saved = t.savedByRetry ?? 0;
  const who = new Map<string, number>();
  for (const f of results.failures) if (f.answeredBy !== undefined) who.set(f.answeredBy, (who.get(f.answeredBy) ?? 0) + 1);
  const proxied = [...who.keys()].some((w) => w !== 'app');
  if (methods.length < 2 && saved === 0 && !proxied) return [];
  const lines: string[] = [];
  const seen = methods.map(([m, c]) => `${m} ${c.failed} of ${c.ok + c.failed} failed`);
  if (saved > 0) seen.push(`${saved} saved by a proxy's retry`);
  if (seen.length > 0) lines.push(seen.join(' · '));
  if (proxied) {
    const text = [...who].sort((a, b) => b[1] - a[1]).map(([w, n]) => (w === 'app' ? `${n} by the app` : `${n} by ${w}`));
    lines.push(`HTTP failures written ${text.join(', ')} (a proxy's 5xx is a connection failure behind it)`);
  }
  return lines;
}
