import { createProgressiveController } from './progressive-controller.js';
import type { ProgressiveStrategy } from './progressive-strategy.js';
import type { RolloutController, RolloutControllerOptions } from './rollout-controller.js';
import { createSelectorGate } from './selector-gate.js';

/**
 * createProgressive builds the Argo Rollout controller for the local driver:
 * the active Service's selector sits between the pods and the endpoint
 * propagator, so a blue-green preview stays out of the Service until the switch.
 * `controller` gives the controller once built (the gate asks it a pod's revision).
 */
export function createProgressive(
  options: RolloutControllerOptions,
  strategy: ProgressiveStrategy,
  controller: () => RolloutController | null,
): RolloutController {
  const gate = createSelectorGate(options.env.endpoints, (pod) => controller()?.pods.get(pod)?.revision);
  return createProgressiveController({ ...options, strategy, gate });
}
