import type { ClusterDriver, RolloutTrigger } from '../cluster/driver.js';
import type { SessionControl } from './session.js';

/** RolloutTimes are the phases of a rollout run around the rollout itself. */
export interface RolloutTimes {
  baselineMs: number;
  cooldownMs: number;
  rolloutTimeoutMs: number;
}

/** RolloutStepOutcome is how one rollout (trigger + wait) ended, as a plan or a scenario step sees it. */
export type RolloutStepOutcome =
  | { status: 'complete' }
  | { status: 'interrupted' }
  | { status: 'not-awaited' }
  | { status: 'failed'; reason: string };

/**
 * rolloutStep triggers one rollout through the driver and, unless `wait` is
 * false, waits until it completes, fails or times out. It is the one place a
 * rollout is started: `local`, `run`, `demo` and scenario steps all go through it.
 */
export async function rolloutStep(
  control: SessionControl,
  trigger: RolloutTrigger,
  timeoutMs: number,
  wait = true,
): Promise<RolloutStepOutcome> {
  const driver = requireDriver(control);
  await driver.triggerRollout(trigger);
  if (!wait) return { status: 'not-awaited' };
  const outcome = await driver.waitForRollout(timeoutMs, control.signal);
  switch (outcome.status) {
    case 'complete':
      return { status: 'complete' };
    case 'aborted':
      return { status: 'interrupted' };
    case 'timeout':
      return { status: 'failed', reason: `rollout timed out: ${outcome.reason}` };
    case 'failed':
      return { status: 'failed', reason: `rollout failed: ${outcome.reason}` };
  }
}

/** RolloutPlanResult is the stop reason, and whether the rollout was started (Ctrl-C does not undo it). */
export interface RolloutPlanResult {
  reason: string;
  triggered: boolean;
}

/**
 * rolloutPlan is the plan of every rollout command: baseline → trigger → wait
 * for the rollout (old pods gone too) → cooldown. A rollout that fails or times
 * out is noted and the cooldown still runs, so the failures after it are seen.
 */
export async function rolloutPlan(
  control: SessionControl,
  trigger: RolloutTrigger,
  t: RolloutTimes,
): Promise<RolloutPlanResult> {
  return phasedPlan(control, () => rolloutStep(control, trigger, t.rolloutTimeoutMs), t, 'rollout');
}

/**
 * phasedPlan is baseline → `disrupt` (the rollout phase: a rollout, a drain)
 * → cooldown; a disruption that fails is noted and the cooldown still runs.
 */
export async function phasedPlan(
  control: SessionControl,
  disrupt: () => Promise<RolloutStepOutcome>,
  t: RolloutTimes,
  what: string,
): Promise<RolloutPlanResult> {
  if (!(await control.sleep(t.baselineMs))) return { reason: 'interrupted', triggered: false };
  control.setPhase('rollout');
  const outcome = await disrupt();
  if (outcome.status === 'interrupted') {
    control.note(`interrupted during the ${what}`);
    return { reason: 'interrupted', triggered: true };
  }
  control.setPhase('cooldown');
  const reason = outcome.status === 'failed' ? outcome.reason : 'completed';
  if (outcome.status === 'failed') control.note(reason);
  if (!(await control.sleep(t.cooldownMs))) return { reason: 'interrupted', triggered: true };
  return { reason, triggered: true };
}

function requireDriver(control: SessionControl): ClusterDriver {
  if (!control.driver) throw new Error('rollout plan: the session has no cluster driver');
  return control.driver;
}
