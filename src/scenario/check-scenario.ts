import { driverEntry, type PlannedRollout } from '../cluster/registry.js';
import type { Scenario } from './types.js';

/** CheckOptions: the user's environment. */
export interface CheckOptions {
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * checkScenario checks, without starting anything, that the scenario can run
 * here, by asking the target's driver (the runtime works and has every image a
 * step names; or the kubeconfig and context load). It returns what it checked;
 * a problem is a UsageError (one line with the fix).
 */
export async function checkScenario(s: Scenario, o: CheckOptions): Promise<string[]> {
  const rollouts: PlannedRollout[] = s.steps.flatMap((step) =>
    step.action.kind === 'rollout' ? [{ trigger: step.action.trigger, where: `step ${step.index + 1} (line ${step.line})` }] : [],
  );
  return driverEntry(s.target.driver).check(s.target.settings, { env: o.env, cwd: o.cwd }, rollouts);
}
