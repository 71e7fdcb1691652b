import type { ClusterDriver, DriverContext } from '../cluster/driver.js';
import { prepareDriver } from '../cluster/registry.js';
import type { Scenario } from './types.js';

/** ScenarioDriverOptions: the user's environment and where logs go. */
export interface ScenarioDriverOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  /** logDir is where the driver writes what it runs (trigger output); podLogDir where pod logs go. */
  logDir: string;
  podLogDir?: string;
}

/**
 * createScenarioDriver makes the driver factory for the scenario's target
 * through the registry; every step then goes through the driver seam (an
 * image rollout is the driver's business, like a pod kill). A driver's
 * implementation loads only now: the Kubernetes client is large, and local
 * runs never need it.
 */
export function createScenarioDriver(scenario: Scenario, o: ScenarioDriverOptions): Promise<(ctx: DriverContext) => ClusterDriver> {
  return prepareDriver(scenario.target.driver, scenario.target.settings, o);
}
