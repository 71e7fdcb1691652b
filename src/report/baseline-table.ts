import { formatMetricValue, type BaselineComparison } from '../analysis/regression.js';
import { createTextStyle } from './text-style.js';

/** formatBaselineTable writes a run's figures next to the baseline's for the terminal, marking each regression. */
export function formatBaselineTable(label: string, c: BaselineComparison, color = false): string {
  const st = createTextStyle(color);
  const rows = [['metric', 'baseline', label, 'allowed', ''], ...c.changes.map((m) => [
    m.metric,
    formatMetricValue(m.unit, m.baseline),
    formatMetricValue(m.unit, m.current),
    m.allowance ?? '-',
    m.allowance === undefined ? '' : m.regressed ? 'REGRESSED' : 'ok',
  ])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r, n) => {
    const text = r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
    if (n === 0) return st.bold(text);
    return r[4] === 'REGRESSED' ? st.red(text) : text;
  });
  if (c.newFindings.length) lines.push(`new findings: ${c.newFindings.join(', ')}`);
  for (const reason of c.regressions) lines.push(st.red(reason));
  return lines.join('\n');
}
