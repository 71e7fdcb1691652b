// A Service's traffic policies (core/v1 ServiceSpec): internalTrafficPolicy
// Local sends traffic from inside the cluster only to pods on the node it came
// from; externalTrafficPolicy Local (NodePort and LoadBalancer Services) sends
// traffic entering a node only to that node's pods. Either way a node with no
// ready pod of the Service has nowhere to send it: the node-local-gap finding
// needs to know the node traffic entered on, which is the node whose address
// --url names.
import type { KubeApi } from './kube-api.js';

/** TrafficPolicyRead is what a run learns of the Service's routing: facts to print, the entry node of a node-local Service, or why it has none. */
export interface TrafficPolicyRead {
  facts: Record<string, string>;
  /** node: the Service routes node-locally and --url enters on this node (the results' meta.cluster.trafficPolicy). */
  node?: string;
  warning?: string;
}

interface ServiceSpecLike {
  type?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
}

/** readTrafficPolicy reads the Service's policies (`get services`) and, when one is Local, the node --url's host belongs to (`nodesAt`). */
export async function readTrafficPolicy(api: KubeApi, service: string, url: string, nodesAt: (host: string) => string[]): Promise<TrafficPolicyRead> {
  let spec: ServiceSpecLike;
  try {
    const svc = await api.core.readNamespacedService({ name: service, namespace: api.namespace }, api.options());
    spec = (svc.spec ?? {}) as ServiceSpecLike;
  } catch {
    return { facts: {} };
  }
  const internal = spec.internalTrafficPolicy ?? 'Cluster';
  const exposed = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const external = exposed ? (spec.externalTrafficPolicy ?? 'Cluster') : undefined;
  const facts = { trafficPolicy: `internal ${internal}${external ? `, external ${external}` : ''}` };
  const local = [internal === 'Local' ? 'internalTrafficPolicy: Local' : '', external === 'Local' ? 'externalTrafficPolicy: Local' : ''].filter(Boolean).join(', ');
  if (!local) return { facts };
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const nodes = nodesAt(host);
  if (nodes.length === 1) return { facts, node: nodes[0] };
  const why = nodes.length === 0 ? `no node has the address ${host}` : `${host} is the address of ${nodes.length} nodes (${nodes.join(', ')})`;
  return { facts, warning: `service ${service} routes node-locally (${local}), but ${why}: the node traffic enters on is unknown, so a node left without a pod (node-local-gap) cannot be judged` };
}
