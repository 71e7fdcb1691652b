import { UsageError } from '../../../errors.js';
import { parseNonNegative } from '../../../parse.js';

/** PromoteMode says who ends an Argo Rollout's indefinite pauses: rollcheck (`auto`) or the user (`manual`). */
export type PromoteMode = 'auto' | 'manual';

/**
 * RolloutOptions steer an Argo Rollout during a run (`--promote`, `--abort-at`):
 * who promotes its indefinite pauses, and the step at which rollcheck aborts it
 * (canary: the step index; blue-green: 1 = before the switch, 2 = after it,
 * before the scale-down), as `kubectl argo rollouts promote|abort` would.
 */
export interface RolloutOptions {
  promote: PromoteMode;
  abortAtStep?: number;
}

/** parsePromoteMode reads `auto` or `manual`; anything else is a one-line UsageError. */
export function parsePromoteMode(text: string, flag = '--promote'): PromoteMode {
  if (text === 'auto' || text === 'manual') return text;
  throw new UsageError(`${flag}: "${text}" is neither auto (rollcheck promotes each indefinite pause) nor manual (you promote with kubectl argo rollouts promote)`);
}

/** readRolloutOptions reads --promote and --abort-at for workload kind `kind`; either one on another kind is a UsageError. */
export function readRolloutOptions(kind: string, promoteText: string | undefined, abortText: string | undefined, flags = { promote: '--promote', abortAt: '--abort-at' }): RolloutOptions | undefined {
  if (kind !== 'rollout') {
    const stray = promoteText !== undefined ? flags.promote : abortText !== undefined ? flags.abortAt : undefined;
    if (stray) throw new UsageError(`${stray} is for an Argo Rollout; name one with --workload rollout/NAME`);
    return undefined;
  }
  const promote = promoteText === undefined ? 'auto' : parsePromoteMode(promoteText, flags.promote);
  const abortAtStep = abortText === undefined ? undefined : parseNonNegative(abortText, flags.abortAt, true);
  return { promote, ...(abortAtStep === undefined ? {} : { abortAtStep }) };
}
