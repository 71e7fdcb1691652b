import { formatDuration } from '../analysis/format.js';
import { formatRate } from '../analysis/verdict.js';
import type { Results } from '../results/types.js';
import { buildCompareRows } from './compare-data.js';
import { createTextStyle, sanitizeForTerminal } from './text-style.js';

/** formatCompareTable writes runs side by side for the terminal: failures, error rate, longest outage, p99, verdict, findings. */
export function formatCompareTable(runs: Results[], options: { color?: boolean; labels?: string[] } = {}): string {
  const st = createTextStyle(options.color ?? false);
  const rows = buildCompareRows(runs, options.labels);
  const header = ['run', 'failed', 'error rate', 'longest outage', 'p99', 'verdict', 'findings'];
  const cells = rows.map((r) => [
    sanitizeForTerminal(r.label),
    `${r.failed}/${r.sent}`,
    formatRate(r.errorRate),
    r.longestOutageMs === null ? '-' : r.longestOutageMs === 0 ? 'none' : formatDuration(r.longestOutageMs),
    formatDuration(r.p99Us / 1000),
    r.verdict === 'NOT ANALYSED' ? '-' : r.verdict,
    r.findings.map((f) => f.id).join(', ') || 'none',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 || i >= 5 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [st.bold(line(header))];
  const paint: Record<string, (s: string) => string> = { FAIL: st.red, PASS: st.green, INCONCLUSIVE: st.yellow };
  for (const c of cells) {
    const text = line(c);
    const verdict = c[5] ?? '';
    out.push(paint[verdict] ? text.replace(new RegExp(`\\b${verdict}\\b`), paint[verdict](verdict)) : text);
  }
  return out.join('\n') + '\n';
}
