import { createPodRuntime } from '../cluster/local/create-pod-runtime.js';
import { checkImage } from '../cluster/local/runtime-container-check.js';
import { createContainerRuntimeFor } from '../cluster/local/runtime-podman.js';
import type { Scenario } from './types.js';

/** CheckOptions: the user's environment. */
export interface CheckOptions {
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * checkScenario checks, without starting anything, that the scenario can run
 * here: the runtime works (PID namespaces, or the container engine and every
 * image the steps name), or the kubeconfig and context load. It returns what
 * it checked; a problem is a UsageError (one line with the fix).
 */
export async function checkScenario(s: Scenario, o: CheckOptions): Promise<string[]> {
  const target = s.target;
  if (target.kind === 'kube') {
    const { loadKubeAccess } = await import('../cluster/kube/index.js');
    const access = loadKubeAccess({ ...pick(target), env: o.env, cwd: o.cwd });
    return [
      `kubeconfig (${access.source}) has context ${access.context}, namespace ${access.namespace}, server ${access.server}; the cluster itself is not contacted`,
    ];
  }
  const settings = target.settings;
  if (settings.runtime === 'process') {
    await createPodRuntime('process', { settings, env: o.env, cwd: o.cwd }).check();
    return ['the process runtime can start pods in their own PID namespace'];
  }
  const runtime = createContainerRuntimeFor(settings.runtime, { settings, env: o.env, cwd: o.cwd });
  await runtime.check();
  const port = settings.container?.port ?? 8080;
  const images = [settings.container?.image, settings.container?.imageNew];
  for (const step of s.steps) {
    if (step.action.kind === 'rollout' && step.action.trigger.kind === 'image') {
      await checkImage(
        runtime.cli,
        step.action.trigger.image,
        port,
        `step ${step.index + 1} (line ${step.line}) image`,
      );
      images.push(step.action.trigger.image);
    }
  }
  const named = [...new Set(images.filter((i): i is string => Boolean(i)))];
  return [
    `${settings.runtime} is reachable; image${named.length > 1 ? 's' : ''} ${named.join(', ')} found (port ${port})`,
  ];
}

function pick(t: Extract<Scenario['target'], { kind: 'kube' }>): {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
} {
  return {
    ...(t.kubeconfig ? { kubeconfig: t.kubeconfig } : {}),
    ...(t.context ? { context: t.context } : {}),
    ...(t.namespace ? { namespace: t.namespace } : {}),
  };
}
