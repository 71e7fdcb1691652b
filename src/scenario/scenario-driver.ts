import type { ClusterDriver, DriverContext } from '../cluster/driver.js';
import { createLocalDriver } from '../cluster/local/index.js';
import type { Scenario } from './types.js';

/** ScenarioDriverOptions: the user's environment and where logs go. */
export interface ScenarioDriverOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  logDir: string;
}

/**
 * createScenarioDriver makes the driver factory for the scenario's target
 * (embedded runtime or kube); every step then goes through the driver seam (an
 * image rollout is the driver's business, like a pod kill). The Kubernetes
 * client is loaded only for a kube target: it is large, and local runs never need it.
 */
export async function createScenarioDriver(
  scenario: Scenario,
  o: ScenarioDriverOptions,
): Promise<(ctx: DriverContext) => ClusterDriver> {
  const target = scenario.target;
  if (target.kind === 'kube') {
    const { kind: _kind, ...settings } = target;
    const { createKubeDriver } = await import('../cluster/kube/index.js');
    return (ctx) => createKubeDriver({ ...settings, env: o.env, cwd: o.cwd, logDir: o.logDir }, ctx);
  }
  return (ctx) => createLocalDriver(target.settings, ctx, { env: o.env, cwd: o.cwd });
}
