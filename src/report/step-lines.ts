import { formatAt, formatDuration } from '../analysis/format.js';
import { uncountedNote } from '../analysis/verdict.js';
import type { Analysis, FindingId, RolloutSegment } from '../results/types.js';
import type { TextStyle } from './text-style.js';

/** causesText writes "104 stable-scaled-down-early, 2 ingress-reload" for a step's causes. */
export function causesText(causes: Partial<Record<FindingId, number>>): string {
  return Object.entries(causes)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([id, n]) => `${n} ${id}`)
    .join(', ');
}

/** segmentLabel is a step as the summary and report name it: "canary 1 setWeight 25%". */
export function segmentLabel(s: RolloutSegment): string {
  return `${s.strategy} ${s.index} ${s.step}`;
}

/**
 * stepLines is the summary's `steps` block for a progressive rollout: each
 * step's span, weight, requests, failures with their causes, outage and its
 * own verdict (empty without a progressive rollout).
 */
export function stepLines(a: Analysis, st: TextStyle, label: number, clean: (s: string) => string): string[] {
  const segments = a.rolloutSteps ?? [];
  if (segments.length === 0) return [];
  const pad = ' '.repeat(label);
  const out = [st.bold('steps'.padEnd(label)) + st.dim(`${segments[0]?.strategy ?? ''} rollout, each step judged on its own`)];
  const width = Math.max(...segments.map((s) => segmentLabel(s).length));
  for (const s of segments) {
    const verdict = s.pass ? st.green('PASS') : st.red('FAIL');
    const failed = s.failures > 0 ? st.red(`${s.failures} failed`) : '0 failed';
    const causes = s.failures > 0 && Object.keys(s.causes).length > 0 ? ` (${causesText(s.causes)})` : '';
    const outage = s.longestOutageMs > 0 ? `, outage ${formatDuration(s.longestOutageMs)}` : '';
    const left = s.uncounted ? st.dim(`; ${uncountedNote(s.uncounted.neverProcessed)}`) : '';
    const late = s.seenLate ? st.dim('; seen late: began before the watch showed it') : '';
    out.push(
      `${pad}${verdict} ${clean(segmentLabel(s)).padEnd(width)}  ${formatAt(s.startMs).padStart(8)} – ${formatAt(s.endMs).padStart(8)}` +
        `  weight ${String(Math.round(s.weight)).padStart(3)}%  ${s.completed} done, ${failed}${causes}${outage}${left}${late}`,
    );
  }
  return out;
}
