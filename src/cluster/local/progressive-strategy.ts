import { UsageError } from '../../errors.js';
import { parseDurationMs } from '../../parse.js';

/** CanaryStep is one step of an Argo Rollouts canary: `setWeight` (percent of replicas) or `pause` (null: until promoted). */
export type CanaryStep = { kind: 'weight'; percent: number } | { kind: 'pause'; ms: number | null };

/**
 * ProgressiveStrategy is an Argo Rollouts strategy the embedded runtime runs
 * instead of the Deployment's rolling update: a canary's steps (weights by
 * replica counts, no traffic router) or blue-green (preview, switch of the
 * active selector, scale-down of the old set `scaleDownDelayMs` later).
 * `abortAtStep` aborts when that step starts (canary: the step index; blue-green:
 * 1 = at the switch), so the way back can be tested. `waitForPromotion`: an
 * indefinite pause waits for a promote (the kube sandbox, where the API's
 * promote and abort reach the controller) instead of being promoted at once.
 * Blue-green's `autoPromotionEnabled: false` (absent: true, Argo's default)
 * pauses before the switch until promoted, as the canary's indefinite pause.
 */
export type ProgressiveStrategy =
  | { kind: 'canary'; steps: CanaryStep[]; abortAtStep?: number; waitForPromotion?: boolean }
  | { kind: 'blue-green'; scaleDownDelayMs: number; abortAtStep?: number; autoPromotionEnabled?: boolean };

/** DEFAULT_SCALE_DOWN_DELAY_MS is Argo Rollouts' default scaleDownDelaySeconds (30). */
export const DEFAULT_SCALE_DOWN_DELAY_MS = 30_000;

/** parseCanarySteps reads `"25%,pause 5s,50%,pause"` (also `setWeight 25`, `pause: 5s`) into steps, or throws a one-line UsageError. */
export function parseCanarySteps(text: string, flag = '--steps'): CanaryStep[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`${flag}: no steps; use e.g. "25%,pause 5s,50%,pause 5s"`);
  return parts.map((part) => {
    const pause = /^pause(?:\s*:?\s*(.+))?$/i.exec(part);
    if (pause) return { kind: 'pause', ms: pause[1] === undefined ? null : parseDurationMs(pause[1].trim(), `${flag} (${part})`) };
    const weight = /^(?:set-?weight\s*:?\s*)?(\d+(?:\.\d+)?)\s*%?$/i.exec(part);
    const percent = weight ? Number(weight[1]) : NaN;
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new UsageError(`${flag}: "${part}" is neither a weight (0-100%) nor a pause; use e.g. "25%,pause 5s,50%,pause 5s"`);
    }
    return { kind: 'weight', percent };
  });
}

/** canaryStepLabel words a step as Argo's spec names it: `setWeight 25%`, `pause 5s`, `pause (until promoted)`. */
export function canaryStepLabel(step: CanaryStep): string {
  if (step.kind === 'weight') return `setWeight ${step.percent}%`;
  return step.ms === null ? 'pause (until promoted)' : `pause ${step.ms / 1000}s`;
}

/** describeStrategy is the strategy in a few words, for the run header and results params. */
export function describeStrategy(s: ProgressiveStrategy): string {
  const abort = s.abortAtStep === undefined ? '' : `, abort at step ${s.abortAtStep}`;
  if (s.kind === 'blue-green') return `blue-green, scaleDownDelay ${s.scaleDownDelayMs / 1000}s${s.autoPromotionEnabled === false ? ', autoPromotionEnabled false' : ''}${abort}`;
  return `canary, steps ${s.steps.map(canaryStepLabel).join(', ')}${abort}`;
}
