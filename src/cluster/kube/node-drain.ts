// A node drain as `kubectl drain NODE --ignore-daemonsets` does it
// (kubectl pkg/drain: cordon.go, drain.go, filters.go): cordon the node with a
// strategic-merge PATCH of spec.unschedulable, list its pods across namespaces
// (spec.nodeName field selector), leave DaemonSet and mirror pods alone, evict
// every other one at once through the Eviction API (policy/v1), each retried
// every 5 s while a PodDisruptionBudget refuses it (429), then wait for the
// evicted pods to be gone, all within the drain's timeout.
import { abortableSleep } from '../../abortable-sleep.js';
import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';
import type { ClusterEvent } from '../../results/events.js';
import type { DrainOutcome, DrainRequest } from '../driver.js';
import type { KubeApi } from './kube-api.js';
import { statusCodeOf } from './api-errors.js';
import type { PodLike } from './pod-shape.js';

/** DRAIN_RETRY_MS is kubectl drain's wait between tries of a refused eviction. */
export const DRAIN_RETRY_MS = 5000;

const GONE_POLL_MS = 1000;

/** DrainContext is what a drain needs from the driver: the API, the clock and the event sink. */
export interface DrainContext {
  api: KubeApi;
  nowMs(): number;
  emit(e: ClusterEvent): void;
}

type NodePod = PodLike & { metadata: { name: string; namespace?: string; annotations?: Record<string, string>; ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }> } };

/** listNodes lists the cluster's nodes by name (`list nodes`). */
export async function listNodes(api: KubeApi): Promise<string[]> {
  const list = await api.call('list', 'nodes', (o) => api.core.listNode({}, o));
  return list.items.map((n) => n.metadata?.name ?? '').filter(Boolean).sort();
}

/** checkNode refuses, before any traffic, a node the cluster does not have (naming those it has). */
export async function checkNode(api: KubeApi, node: string): Promise<void> {
  const nodes = await listNodes(api);
  if (!nodes.includes(node)) throw new UsageError(`--trigger drain=${node}: no node "${node}" in the cluster; its nodes: ${nodes.join(', ') || '(none)'}`);
}

/** drainNode cordons the node, evicts its pods but DaemonSets', and resolves when they are gone, or on timeout or abort. */
export async function drainNode(c: DrainContext, request: DrainRequest, signal?: AbortSignal): Promise<DrainOutcome> {
  const { api } = c;
  const { node } = request;
  const deadline = c.nowMs() + request.timeoutMs;
  const retryMs = request.retryMs ?? DRAIN_RETRY_MS;
  c.emit({ kind: 'drain-started', atMs: c.nowMs(), node });
  const finish = (o: DrainOutcome): DrainOutcome => {
    c.emit({ kind: 'drain-finished', atMs: c.nowMs(), node, ok: o.ok, evicted: o.evicted, ...(o.error ? { error: o.error } : {}) });
    return o;
  };
  try {
    await api.call('patch', 'nodes', (o) => api.core.patchNode({ name: node, body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch, o)), node);
    c.emit({ kind: 'node-cordoned', atMs: c.nowMs(), node });
    const pods = (await podsOn(api, node)).filter((p) => !isDaemonSetPod(p) && !isMirrorPod(p) && !p.metadata.deletionTimestamp);
    const evicted: NodePod[] = [];
    const results = await Promise.all(pods.map((p) => evictUntil(c, p, node, { deadline, retryMs, signal }).then((ok) => ok && evicted.push(p))));
    if (signal?.aborted) return finish({ ok: false, evicted: evicted.length, error: 'interrupted' });
    if (results.some((ok) => !ok)) return finish({ ok: false, evicted: evicted.length, error: `drain did not finish within ${Math.round(request.timeoutMs / 1000)}s: a PodDisruptionBudget kept refusing evictions` });
    const gone = await waitGone(c, node, evicted, deadline, signal);
    return finish(gone ? { ok: true, evicted: evicted.length } : { ok: false, evicted: evicted.length, error: `evicted pods still there after ${Math.round(request.timeoutMs / 1000)}s` });
  } catch (e) {
    return finish({ ok: false, evicted: 0, error: (e as Error).message });
  }
}

async function podsOn(api: KubeApi, node: string): Promise<NodePod[]> {
  const list = await api.call('list', 'pods', (o) => api.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }, o));
  return list.items as unknown as NodePod[];
}

const isDaemonSetPod = (p: NodePod): boolean => (p.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet');
const isMirrorPod = (p: NodePod): boolean => p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;

// evictUntil asks the Eviction API until it admits the pod (true), the pod is gone (true), or the deadline or an abort comes (false).
async function evictUntil(c: DrainContext, pod: NodePod, node: string, o: { deadline: number; retryMs: number; signal?: AbortSignal }): Promise<boolean> {
  const { name, namespace = c.api.namespace } = pod.metadata;
  const ids = { pod: name, ...(pod.metadata.uid ? { podUid: pod.metadata.uid } : {}) };
  for (;;) {
    if (o.signal?.aborted) return false;
    try {
      await c.api.core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } }, c.api.options());
      c.emit({ kind: 'evicted', atMs: c.nowMs(), ...ids, node });
      return true;
    } catch (e) {
      const code = statusCodeOf(e);
      if (code === 404) return true;
      if (code !== 429 && code !== 500) throw new UsageError(`evict pod ${namespace}/${name}: ${refusal(e).reason} (grant create on pods/eviction: manifests/rbac-drain.yaml)`);
      const r = refusal(e);
      c.emit({ kind: 'eviction-refused', atMs: c.nowMs(), ...ids, status: code, reason: r.reason, ...(r.pdb ? { pdb: r.pdb } : {}) });
    }
    if (c.nowMs() + o.retryMs > o.deadline || !(await abortableSleep(o.retryMs, o.signal))) return false;
  }
}

// refusal reads an eviction's refusal: the Status message and the budget named in its DisruptionBudget cause.
function refusal(e: unknown): { reason: string; pdb?: string } {
  let body: { message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } } = {};
  try {
    const raw = (e as { body?: unknown }).body;
    body = typeof raw === 'string' ? (JSON.parse(raw) as typeof body) : ((raw as typeof body) ?? {});
  } catch {
    body = {};
  }
  const cause = body.details?.causes?.find((x) => x.reason === 'DisruptionBudget')?.message;
  const pdb = cause ? /disruption budget (\S+)/.exec(cause)?.[1] : undefined;
  const reason = [body.message ?? (e as Error).message, cause].filter(Boolean).join(': ');
  return pdb ? { reason, pdb } : { reason };
}

// waitGone polls the node's pods, as kubectl drain waits for each deleted pod (gone, or a new UID under its name).
async function waitGone(c: DrainContext, node: string, evicted: NodePod[], deadline: number, signal?: AbortSignal): Promise<boolean> {
  const uids = new Set(evicted.map((p) => p.metadata.uid));
  for (;;) {
    const left = (await podsOn(c.api, node)).filter((p) => uids.has(p.metadata.uid));
    if (left.length === 0) return true;
    if (c.nowMs() + GONE_POLL_MS > deadline || !(await abortableSleep(GONE_POLL_MS, signal))) return false;
  }
}
