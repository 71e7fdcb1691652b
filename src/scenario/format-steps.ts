import type { ScenarioOutcome } from '../results/types.js';
import { uncountedNote } from '../analysis/verdict.js';
import { formatMs } from './parse-steps.js';

/**
 * formatStepVerdicts is the per-step verdict table printed after a scenario run. `inconclusive` is the
 * run's own verdict's reason when it could not judge (the generator fell behind, …): with every step
 * passing, the scenario is then inconclusive (exit 3), not failed.
 */
export function formatStepVerdicts(outcome: ScenarioOutcome, inconclusive?: string): string {
  const lines = [`scenario "${outcome.name}": per-step verdicts`];
  for (const v of outcome.steps) {
    const span = `${formatMs(Math.round(v.startMs))}..${formatMs(Math.round(v.endMs))}`;
    const head = `  ${v.pass ? 'PASS' : 'FAIL'}  ${String(v.index + 1).padStart(2)}. ${v.step}`;
    const left = v.uncounted ? ` (${uncountedNote(v.uncounted.neverProcessed)})` : '';
    lines.push(`${head}  [${span}] ${v.failures} failed of ${v.completed}${left}`);
    if (!v.pass) for (const reason of v.reasons) lines.push(`          - ${reason}`);
  }
  if (outcome.steps.length === 0) lines.push('  (no action step ran)');
  const unsure = !outcome.pass && inconclusive !== undefined && outcome.steps.every((v) => v.pass);
  lines.push(`scenario verdict: ${outcome.pass ? 'PASS' : unsure ? `INCONCLUSIVE (${inconclusive})` : 'FAIL'}`);
  return lines.join('\n');
}
