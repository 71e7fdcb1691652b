import type { ScenarioOutcome } from '../results/types.js';
import { uncountedNote } from '../analysis/verdict.js';
import { formatMs } from './parse-steps.js';

/** formatStepVerdicts is the per-step verdict table printed after a scenario run. */
export function formatStepVerdicts(outcome: ScenarioOutcome): string {
  const lines = [`scenario "${outcome.name}": per-step verdicts`];
  for (const v of outcome.steps) {
    const span = `${formatMs(Math.round(v.startMs))}..${formatMs(Math.round(v.endMs))}`;
    const head = `  ${v.pass ? 'PASS' : 'FAIL'}  ${String(v.index + 1).padStart(2)}. ${v.step}`;
    const left = v.uncounted ? ` (${uncountedNote(v.uncounted.neverProcessed)})` : '';
    lines.push(`${head}  [${span}] ${v.failures} failed of ${v.completed}${left}`);
    if (!v.pass) for (const reason of v.reasons) lines.push(`          - ${reason}`);
  }
  if (outcome.steps.length === 0) lines.push('  (no action step ran)');
  lines.push(`scenario verdict: ${outcome.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
