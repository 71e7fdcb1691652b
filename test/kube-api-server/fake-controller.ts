// A scripted Deployment controller + kubelet over a KubeModel, for driver tests
// that need no processes: it seeds ready pods and, on a template PATCH, replaces
// them one by one the way the API server would show it.
import type { KubeModel } from './kube-model.js';

/** FakeControllerOptions: how the old pods die and how fast steps go. */
export interface FakeControllerOptions {
  /** Exit code of an old pod's container (137 = SIGKILLed at the grace period, 0 = graceful). */
  exitCode: number;
  stepMs?: number;
  /** Called between steps so a test can cut watches mid-rollout. */
  onStep?(step: number): void | Promise<void>;
}

/** FakeController is the scripted controller; `done` resolves when the last rollout finished. */
export interface FakeController {
  seed(): void;
  rollout(): Promise<void>;
  done: Promise<void>;
  stop(): void;
}

/** createFakeController drives `model` through rollouts. */
export function createFakeController(model: KubeModel, o: FakeControllerOptions): FakeController {
  const stepMs = o.stepMs ?? 40;
  let stopped = false;
  let step = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((r) => (finished = r));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let seq = 0;
  const podName = (hash: string): string => `${model.name}-${hash}-${(seq += 1).toString(36).padStart(5, 'q')}`;
  const next = async (): Promise<void> => {
    step += 1;
    await o.onStep?.(step);
    await sleep(stepMs);
  };
  return {
    done,
    seed() {
      const hash = model.hash();
      for (let i = 0; i < 2; i += 1) {
        const n = podName(hash);
        model.addPod(n);
        model.startPod(n);
        model.setReady(n, true);
        model.setEndpoint(n, { ready: true, serving: true, terminating: false });
      }
      model.setStatus({ replicas: 2, updated: 2, ready: 2, available: 2 });
      model.markRolledOut();
    },
    async rollout() {
      const old = model.podNames();
      const hash = model.bumpHash();
      let updated = 0;
      for (const victim of old) {
        if (stopped) return;
        const n = podName(hash);
        model.addPod(n);
        await next();
        model.startPod(n);
        model.setReady(n, true);
        model.setEndpoint(n, { ready: true, serving: true, terminating: false });
        updated += 1;
        model.setStatus({ replicas: old.length + 1, updated, ready: old.length + 1, available: old.length + 1 }, true);
        await next();
        model.terminatePod(victim);
        model.killingEvent(victim);
        model.setEndpoint(victim, { ready: false, serving: true, terminating: true });
        model.setReady(victim, false);
        await next();
        model.exitPod(victim, o.exitCode);
        await next();
        model.deletePod(victim);
        model.setStatus({ replicas: old.length, updated, ready: old.length, available: old.length }, true);
      }
      model.markRolledOut();
      finished();
    },
    stop() {
      stopped = true;
    },
  };
}
