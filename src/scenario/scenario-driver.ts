import type { ClusterDriver, DriverContext, RolloutTrigger } from '../cluster/driver.js';
import { createLocalDriver } from '../cluster/local/index.js';
import type { PodRuntime } from '../cluster/local/pod-runtime.js';
import { createContainerRuntimeFor } from '../cluster/local/runtime-podman.js';
import type { ContainerRuntime } from '../cluster/local/runtime-podman.js';
import type { Scenario } from './types.js';

/** ScenarioDriver builds the scenario's driver for the session and adapts rollouts to it. */
export interface ScenarioDriver {
  driver(ctx: DriverContext): ClusterDriver;
  /**
   * prepareRollout turns a step's trigger into what the driver does: on the
   * local container runtime an image rollout is "use this image for the next
   * revision" followed by a restart.
   */
  prepareRollout(trigger: RolloutTrigger): Promise<RolloutTrigger>;
}

/** ScenarioDriverOptions: the user's environment and where logs go. */
export interface ScenarioDriverOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  logDir: string;
}

/**
 * createScenarioDriver makes the driver factory for the scenario's target (local runtime or kube).
 * The Kubernetes client is loaded only for a kube target: it is large, and local runs never need it.
 */
export async function createScenarioDriver(scenario: Scenario, o: ScenarioDriverOptions): Promise<ScenarioDriver> {
  const target = scenario.target;
  if (target.kind === 'kube') {
    const { kind: _kind, ...settings } = target;
    const { createKubeDriver } = await import('../cluster/kube/index.js');
    return {
      driver: (ctx) =>
        createKubeDriver({ ...settings, env: o.env, cwd: o.cwd, logDir: o.logDir }, ctx),
      prepareRollout: async (trigger) => trigger,
    };
  }
  const settings = target.settings;
  let container: ContainerRuntime | undefined;
  return {
    driver(ctx) {
      let runtime: PodRuntime | undefined;
      if (settings.runtime !== 'process') {
        container = createContainerRuntimeFor(settings.runtime, {
          settings,
          env: o.env,
          cwd: o.cwd,
        });
        runtime = container;
      }
      return createLocalDriver(settings, ctx, {
        env: o.env,
        cwd: o.cwd,
        ...(runtime ? { runtime } : {}),
      });
    },
    async prepareRollout(trigger) {
      if (trigger.kind !== 'image') return trigger;
      if (!container)
        throw new Error('scenario: an image rollout on the process runtime passed validation');
      await container.useImageForNextRevision(trigger.image);
      return { kind: 'restart' };
    },
  };
}
