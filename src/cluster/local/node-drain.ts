import { abortableSleep } from '../../abortable-sleep.js';
import { UsageError } from '../../errors.js';
import type { DriverContext, DrainOutcome, DrainRequest } from '../driver.js';
import { EVICTION_REFUSED_REASON } from './disruption-budget.js';
import type { LocalPod } from './local-pod.js';
import { who } from './local-pod.js';
import type { NodePool } from './node-pool.js';
import { pollUntil } from '../poll-until.js';

/** KUBECTL_EVICTION_RETRY_MS is how long kubectl drain waits before retrying a refused eviction. */
export const KUBECTL_EVICTION_RETRY_MS = 5000;

/** DrainDeps is what a drain of the embedded runtime works with. */
export interface DrainDeps {
  ctx: DriverContext;
  nodes: NodePool;
  /** pods lists the live pods. */
  pods(): LocalPod[];
  /** daemon: the pods are a DaemonSet's, which a drain leaves alone (--ignore-daemonsets). */
  daemon: boolean;
  /** budget is the PodDisruptionBudget over the pods (null: none): its name and disruptionsAllowed now. */
  budget: { name: string; allowed(): number } | null;
  /** evict deletes the pod gracefully (the termination sequence); its controller replaces it. */
  evict(pod: LocalPod): void;
  retryMs: number;
  /** replicas is how many ready pods the controller wants (the kube drain's `desiredReplicas`). */
  replicas(): number;
}

const REPLACED_POLL_MS = 100;

/**
 * drainLocalNode drains a fake node as `kubectl drain NODE --ignore-daemonsets`
 * does (kubectl pkg/drain: `RunCordonOrUncordon`, then `evictPods`, one
 * goroutine per pod): cordon it, then evict every pod on it at once through the
 * budget check the Eviction API makes: admitted (evicted, then graceful
 * deletion) or refused with 429 (eviction-refused), retried every `retryMs`
 * until `timeoutMs`; it waits for each evicted pod to be gone (drain-finished),
 * then, as the kube driver's drain does (kube/replaced.ts), for the controller's
 * replacements: as many pods ready as it wants and none terminating, all
 * within the same timeout.
 */
export async function drainLocalNode(d: DrainDeps, request: DrainRequest, signal?: AbortSignal): Promise<DrainOutcome> {
  const { ctx, nodes } = d;
  const node = request.node;
  if (!nodes.has(node)) throw new UsageError(`drain ${node}: there is no such node; the nodes are ${nodes.names.join(', ')} (set how many with --nodes)`);
  const now = (): number => ctx.clock.nowMs();
  ctx.emit({ kind: 'drain-started', node, atMs: now() });
  if (nodes.cordon(node)) ctx.emit({ kind: 'node-cordoned', node, atMs: now() });
  const deadline = performance.now() + request.timeoutMs;
  const retryMs = request.retryMs ?? d.retryMs;
  const targets = d.daemon ? [] : d.pods().filter((p) => p.node === node && !p.terminating && !p.exit);
  let evicted = 0;
  let error: string | undefined;

  const evictOne = async (pod: LocalPod): Promise<void> => {
    for (;;) {
      if (signal?.aborted) throw new Error('interrupted');
      if (pod.exit || pod.terminating) return pod.done; // gone or deleted by someone else meanwhile
      // A pod not yet running (Pending) skips the budget, as the Eviction API's canIgnorePDB lets it.
      const allowed = d.budget && pod.handle !== undefined ? d.budget.allowed() : 1;
      if (allowed > 0) {
        ctx.emit({ kind: 'evicted', ...who(pod), node, atMs: now() });
        evicted += 1;
        d.evict(pod);
        return pod.done;
      }
      ctx.emit({ kind: 'eviction-refused', ...who(pod), status: 429, ...(d.budget ? { pdb: d.budget.name } : {}), reason: EVICTION_REFUSED_REASON, atMs: now() });
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`pod ${pod.name} could still not be evicted (429: its PodDisruptionBudget allowed no disruption)`);
      await abortableSleep(Math.min(retryMs, left), signal);
    }
  };

  const results = await Promise.allSettled(targets.map((p) => evictOne(p)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) error = signal?.aborted ? 'interrupted' : `not done within ${request.timeoutMs / 1000}s: ${String((failed.reason as Error).message)}`;
  ctx.emit({ kind: 'drain-finished', node, ok: !error, evicted, ...(error ? { error } : {}), atMs: now() });
  if (error) return { ok: false, evicted, error };
  if (await waitReplaced(d, deadline, signal)) return { ok: true, evicted };
  return { ok: false, evicted, error: signal?.aborted ? 'interrupted' : `the evicted pods' replacements were not all ready within ${Math.round(request.timeoutMs / 1000)}s` };
}

// waitReplaced polls the pods until the controller has as many ready as it wants and none is terminating, or the deadline or an abort comes.
function waitReplaced(d: DrainDeps, deadline: number, signal?: AbortSignal): Promise<boolean> {
  const back = (): boolean => {
    const live = d.pods().filter((p) => !p.exit);
    return !live.some((p) => p.terminating) && live.filter((p) => p.ready).length >= d.replicas();
  };
  return pollUntil(back, { everyMs: REPLACED_POLL_MS, leftMs: deadline - performance.now(), ...(signal ? { signal } : {}) });
}
