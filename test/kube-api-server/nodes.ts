// The sandbox's Nodes and its scheduler. Each node is a Node object (v1) the
// kubelet would post (Ready condition, nodeInfo, an InternalIP); a pod is placed
// when it is created, on the schedulable node with the fewest pods of its app
// (ties by name), as the default scheduler's spreading does
// (kubernetes pkg/scheduler/framework/plugins/podtopologyspread: skew by
// hostname). Cordon is the PATCH `kubectl cordon` sends (spec.unschedulable);
// the API server then shows the taint the node lifecycle controller adds
// (pkg/controller/nodelifecycle: node.kubernetes.io/unschedulable:NoSchedule).
import type { KubeObject, KubeStore } from './store.js';

/** UNSCHEDULABLE_TAINT is the taint a cordoned node carries. */
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** Scheduler places pods on the sandbox's nodes. */
export interface Scheduler {
  /** names of the nodes, in order. */
  names: string[];
  /** place picks the node for a new pod with these labels (undefined: no node schedulable); `tolerateCordon` for a DaemonSet's pods. */
  place(labels: Record<string, string>, tolerateCordon?: boolean): string | undefined;
}

const rfc3339 = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** nodeNames are the names `--nodes N` gives: node-1 … node-N. */
export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
}

/**
 * createNodes puts `count` Ready nodes in the store and returns the scheduler over them. Every node's
 * InternalIP is 127.0.0.1 (the Service proxy's address), unless `entryNode` names the one traffic
 * enters on (a node-local Service): it alone keeps 127.0.0.1, the others get 127.0.1.N.
 */
export function createNodes(store: KubeStore, count: number, entryNode?: string): Scheduler {
  const names = nodeNames(count);
  names.forEach((name, i) => store.put('nodes', nodeObject(name, i, entryNode === undefined || entryNode === name ? '127.0.0.1' : `127.0.1.${i + 1}`)));
  const schedulable = (n: string): boolean => {
    const node = store.get('nodes', n);
    return node !== undefined && (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true;
  };
  const place = (labels: Record<string, string>, tolerateCordon = false): string | undefined => {
    const alive = store.list('pods').filter((p) => !p.metadata.deletionTimestamp && Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
    const count = (n: string): number => alive.filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === n).length;
    return names.filter((n) => tolerateCordon || schedulable(n)).sort((a, b) => count(a) - count(b) || a.localeCompare(b))[0];
  };
  return { names, place };
}

/** withCordonTaint shows a node as the API server does after a cordon or uncordon: the unschedulable taint follows spec.unschedulable. */
export function withCordonTaint(node: KubeObject): KubeObject {
  const spec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: Array<{ key: string; effect: string; timeAdded?: string }> };
  const others = (spec.taints ?? []).filter((t) => t.key !== UNSCHEDULABLE_TAINT);
  const had = (spec.taints ?? []).find((t) => t.key === UNSCHEDULABLE_TAINT);
  const taints = spec.unschedulable ? [...others, had ?? { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: rfc3339() }] : others;
  const next = { ...spec };
  if (taints.length > 0) next.taints = taints;
  else delete next.taints;
  return { ...node, spec: next };
}

function nodeObject(name: string, index: number, address: string): KubeObject {
  const at = rfc3339();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'sandbox' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
      creationTimestamp: at,
    },
    spec: { podCIDR: `10.1.${index}.0/24`, podCIDRs: [`10.1.${index}.0/24`] },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: at, lastTransitionTime: at },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at },
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      capacity: { cpu: '2', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
      nodeInfo: {
        machineID: `sandbox${index}`,
        systemUUID: `sandbox-${index}`,
        bootID: `sandbox-boot-${index}`,
        kernelVersion: '6.1.0',
        osImage: 'rollcheck sandbox',
        containerRuntimeVersion: 'rollcheck://local',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
