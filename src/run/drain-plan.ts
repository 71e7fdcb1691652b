import { UsageError } from '../errors.js';
import { hasNodeDrainer } from '../cluster/driver.js';
import type { SessionControl } from './session.js';
import type { RolloutPlanResult } from './rollout-plan.js';

/** DrainTimes are the phases of a drain run: baseline, the drain (bounded by timeoutMs), cooldown. */
export interface DrainTimes {
  baselineMs: number;
  cooldownMs: number;
  /** timeoutMs bounds the drain: refused evictions retried, the evicted pods gone and replaced. */
  timeoutMs: number;
}

/**
 * drainPlan is the plan of `rollcheck run --trigger drain=NODE`: baseline →
 * drain the node through the driver (cordon, evictions with their refusals,
 * the evicted pods gone and their replacements ready) → cooldown. A drain that
 * fails or times out is noted and the cooldown still runs.
 */
export async function drainPlan(control: SessionControl, node: string, t: DrainTimes): Promise<RolloutPlanResult> {
  const driver = control.driver;
  if (!driver || !hasNodeDrainer(driver)) throw new UsageError(`--trigger drain=${node}: this cluster driver cannot drain nodes`);
  if (!(await control.sleep(t.baselineMs))) return { reason: 'interrupted', triggered: false };
  control.setPhase('rollout');
  const outcome = await driver.drainNode({ node, timeoutMs: t.timeoutMs }, control.signal);
  if (control.signal.aborted) {
    control.note('interrupted during the drain');
    return { reason: 'interrupted', triggered: true };
  }
  control.setPhase('cooldown');
  const reason = outcome.ok ? 'completed' : `drain of ${node} failed: ${outcome.error ?? 'unknown error'}`;
  if (!outcome.ok) control.note(reason);
  if (!(await control.sleep(t.cooldownMs))) return { reason: 'interrupted', triggered: true };
  return { reason, triggered: true };
}
