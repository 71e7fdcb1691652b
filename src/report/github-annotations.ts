import { plural } from '../analysis/format.js';
import { REGRESSION_PREFIX } from '../analysis/regression.js';
import type { Results } from '../results/types.js';

/**
 * formatAnnotations is GitHub Actions workflow commands for a run: one
 * `::error` per critical finding, `::warning` per warning finding, titled with
 * the finding id, and one `::error title=regression` per regression against a
 * baseline. Info findings make no annotation.
 */
export function formatAnnotations(r: Results): string[] {
  const lines: string[] = [];
  for (const f of r.analysis?.findings ?? []) {
    if (f.severity === 'info') continue;
    const level = f.severity === 'critical' ? 'error' : 'warning';
    const evidence = f.evidence[0] !== undefined ? ` ${f.evidence[0]}.` : '';
    lines.push(`::${level} title=${property(f.id)}::${data(`${f.title} (${plural(f.failures, 'failure')}).${evidence} Fix: ${f.fix}`)}`);
  }
  for (const reason of r.analysis?.verdict.reasons ?? []) {
    if (reason.startsWith(REGRESSION_PREFIX)) lines.push(`::error title=regression::${data(reason.slice(REGRESSION_PREFIX.length))}`);
  }
  return lines;
}

// Workflow command escaping: the message may not hold a raw newline or `%`; a property value also not `:` or `,`.
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
