import { UsageError } from '../errors.js';
import { hasNodeDrainer, type DrainRequest } from '../cluster/driver.js';
import { phasedPlan, type RolloutPlanResult, type RolloutStepOutcome, type RolloutTimes } from './rollout-plan.js';
import type { SessionControl } from './session.js';

/**
 * drainStep drains one node through the driver's NodeDrainer (cordon, evict
 * each pod, 429s retried) and waits until every evicted pod is gone; a driver
 * without the ability is a one-line UsageError. `local --trigger drain=NODE`
 * and a scenario's `drain-node` step both go through it.
 */
export async function drainStep(control: SessionControl, request: DrainRequest): Promise<RolloutStepOutcome> {
  const driver = control.driver;
  if (!driver || !hasNodeDrainer(driver)) throw new UsageError(`this target cannot drain nodes; remove the drain of ${request.node}`);
  const outcome = await driver.drainNode(request, control.signal);
  if (control.signal.aborted) return { status: 'interrupted' };
  return outcome.ok ? { status: 'complete' } : { status: 'failed', reason: outcome.error ?? `drain of ${request.node} failed` };
}

/**
 * drainPlan is `--trigger drain=NODE`'s plan: baseline → drain (the rollout
 * phase: cordon, evictions, every evicted pod gone) → cooldown, in which the
 * replacements the controller created elsewhere come up under traffic.
 */
export function drainPlan(control: SessionControl, request: DrainRequest, t: RolloutTimes): Promise<RolloutPlanResult> {
  return phasedPlan(control, () => drainStep(control, request), t, 'drain');
}

/** LocalTrigger is what `rollcheck local --trigger` asks for: a rollout (restart), nothing, or a drain of one node. */
export type LocalTrigger = { kind: 'restart' } | { kind: 'none' } | { kind: 'drain'; node: string };

/** parseLocalTrigger reads `--trigger restart|none|drain=NODE`. */
export function parseLocalTrigger(text: string): LocalTrigger {
  const t = text.trim();
  if (t === 'restart' || t === 'none') return { kind: t };
  if (t.startsWith('drain=') && t.length > 6) return { kind: 'drain', node: t.slice(6) };
  throw new UsageError(`--trigger "${text}" is not one of restart, none, drain=NODE (e.g. drain=node-1)`);
}
