import type { RolloutLimits } from './rollout-math.js';

/** DaemonPodView is what the DaemonSet controller needs to know of one of its pods. */
export interface DaemonPodView {
  name: string;
  node: string;
  revision: string;
  available: boolean;
  terminating: boolean;
  /** seq orders pods by creation (higher = newer). */
  seq: number;
}

/** DaemonStep is one reconcile's work: nodes to create a pod on, pods to delete. */
export interface DaemonStep {
  create: string[];
  terminate: string[];
}

/**
 * planDaemonStep is one reconcile of the DaemonSet controller
 * (kubernetes pkg/controller/daemon: daemon_controller.go `podsShouldBeOnNode`,
 * update.go `rollingUpdate`) over every node (a DaemonSet tolerates a cordon):
 * a node with no pod at all gets one (a node whose pod is still terminating
 * waits for it to be gone); without surge, old pods are deleted while fewer
 * than maxUnavailable nodes lack an available pod (an unavailable old pod
 * costs nothing), so the node has no pod until its replacement is ready; with
 * surge, up to maxSurge nodes get their new pod first and lose the old one
 * once the new one is available.
 */
export function planDaemonStep(nodes: readonly string[], pods: readonly DaemonPodView[], revision: string, limits: RolloutLimits): DaemonStep {
  const create: string[] = [];
  const terminate: string[] = [];
  const on = (node: string): DaemonPodView[] => pods.filter((p) => p.node === node);
  const live = (node: string): DaemonPodView[] => on(node).filter((p) => !p.terminating);
  for (const node of nodes) if (on(node).length === 0) create.push(node);
  const unavailable = nodes.filter((n) => !live(n).some((p) => p.available)).length;
  if (limits.surge === 0) {
    let budget = limits.unavailable - unavailable;
    for (const node of nodes) {
      const old = live(node).find((p) => p.revision !== revision);
      if (!old) continue;
      if (!old.available) terminate.push(old.name);
      else if (budget > 0) {
        terminate.push(old.name);
        budget -= 1;
      }
    }
    return { create, terminate };
  }
  let surging = nodes.filter((n) => live(n).some((p) => p.revision === revision) && live(n).some((p) => p.revision !== revision)).length;
  for (const node of nodes) {
    const pods = live(node);
    const old = pods.find((p) => p.revision !== revision);
    const fresh = pods.find((p) => p.revision === revision);
    if (!old) continue;
    if (fresh?.available) terminate.push(old.name);
    else if (!fresh && surging < limits.surge) {
      create.push(node);
      surging += 1;
    }
  }
  return { create, terminate };
}
