import type { DriverEnv, PlannedRollout } from '../driver-entry.js';
import { createPodRuntime } from './create-pod-runtime.js';
import { checkImage } from './runtime-container-check.js';
import { createContainerRuntimeFor } from './runtime-podman.js';
import type { LocalRuntimeSettings } from './settings.js';

/**
 * checkLocalTarget checks, without starting a pod, that the embedded runtime
 * can run here: PID namespaces for the process runtime, or the container
 * engine and every image the run names (its own and each image rollout's).
 */
export async function checkLocalTarget(settings: LocalRuntimeSettings, env: DriverEnv, rollouts: readonly PlannedRollout[]): Promise<string[]> {
  const options = { settings, env: env.env, cwd: env.cwd };
  if (settings.runtime === 'process') {
    await createPodRuntime('process', options).check();
    return ['the process runtime can start pods in their own PID namespace'];
  }
  const runtime = createContainerRuntimeFor(settings.runtime, options);
  await runtime.check();
  const port = settings.container?.port ?? 8080;
  const images = [settings.container?.image, settings.container?.imageNew];
  for (const { trigger, where } of rollouts) {
    if (trigger.kind !== 'image') continue;
    await checkImage(runtime.cli, trigger.image, port, `${where} image`);
    images.push(trigger.image);
  }
  const named = [...new Set(images.filter((i): i is string => Boolean(i)))];
  return [`${settings.runtime} is reachable; image${named.length > 1 ? 's' : ''} ${named.join(', ')} found (port ${port})`];
}
