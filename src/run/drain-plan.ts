import { UsageError } from '../errors.js';
import { hasNodeDrainer, type DrainRequest } from '../cluster/driver.js';
import { phasedPlan, type RolloutPlanResult, type RolloutStepOutcome } from './rollout-plan.js';
import type { SessionControl } from './session.js';

/**
 * drainStep drains one node through the driver's NodeDrainer (cordon, evict
 * each pod, 429s retried) and waits until every evicted pod is gone; a driver
 * without the ability is a one-line UsageError. `local --trigger drain=NODE`
 * and a scenario's `drain-node` step both go through it.
 */
export async function drainStep(control: SessionControl, request: DrainRequest): Promise<RolloutStepOutcome> {
  const driver = control.driver;
  if (!driver || !hasNodeDrainer(driver)) throw new UsageError(`drain ${request.node}: this target cannot drain nodes; remove the drain`);
  const outcome = await driver.drainNode(request, control.signal);
  if (control.signal.aborted) return { status: 'interrupted' };
  return outcome.ok ? { status: 'complete' } : { status: 'failed', reason: `drain of ${request.node} failed: ${outcome.error ?? 'unknown error'}` };
}

/** DrainTimes are the phases of a drain run: baseline, the drain (bounded by timeoutMs; refused evictions retried every retryMs), cooldown. */
export interface DrainTimes {
  baselineMs: number;
  cooldownMs: number;
  timeoutMs: number;
  retryMs?: number;
}

/**
 * drainPlan is the plan of `--trigger drain=NODE` (`local` and `run`):
 * baseline → drain (the rollout phase: cordon, evictions with their
 * refusals, every evicted pod gone) → cooldown, in which the replacements the
 * controller created elsewhere come up under traffic. A drain that fails or
 * times out is noted and the cooldown still runs.
 */
export function drainPlan(control: SessionControl, node: string, t: DrainTimes): Promise<RolloutPlanResult> {
  const request: DrainRequest = { node, timeoutMs: t.timeoutMs, ...(t.retryMs !== undefined ? { retryMs: t.retryMs } : {}) };
  return phasedPlan(control, () => drainStep(control, request), { ...t, rolloutTimeoutMs: t.timeoutMs }, 'drain');
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
