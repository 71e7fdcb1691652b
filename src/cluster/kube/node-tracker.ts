import type { ClusterEvent } from '../../results/events.js';
import type { WatchedObject } from './resource-watch.js';
import { isoTime } from './pod-shape.js';

/** NodeLike is the part of a Node the driver reads: its name, spec.unschedulable and the Ready condition. */
export interface NodeLike extends WatchedObject {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: Array<{ type?: string; status?: string; reason?: string; lastTransitionTime?: Date | string }>; addresses?: Array<{ type?: string; address?: string }> };
}

/** NodeTracker follows the cluster's Nodes: cordons, uncordons and readiness. */
export interface NodeTracker {
  sync(items: NodeLike[], relisted: boolean): void;
  upsert(node: NodeLike): void;
  remove(node: NodeLike): void;
  /** describe lists the nodes as `kubectl get nodes` shows their status (`node-1 Ready, node-2 Ready,SchedulingDisabled`), in name order. */
  describe(): string;
  /** nodesAt names the nodes one of whose addresses (InternalIP, ExternalIP, Hostname) is `host`. */
  nodesAt(host: string): string[];
}

interface NodeState {
  cordoned: boolean;
  ready: string;
  addresses: string[];
}

/**
 * createNodeTracker emits node-cordoned and node-uncordoned when a node's
 * spec.unschedulable flips (a cordon by kubectl drain or cordon, by an
 * autoscaler, by anyone) and a note when its Ready condition changes; the first
 * list only records the state the run starts from.
 */
export function createNodeTracker(o: { nowMs(): number; emit(e: ClusterEvent): void }): NodeTracker {
  const nodes = new Map<string, NodeState>();
  const stateOf = (n: NodeLike): NodeState => ({ cordoned: n.spec?.unschedulable === true, ready: readyOf(n), addresses: (n.status?.addresses ?? []).flatMap((a) => (a.address ? [a.address] : [])) });
  const upsert = (n: NodeLike, quiet = false): void => {
    const name = n.metadata?.name;
    if (!name) return;
    const next = stateOf(n);
    const before = nodes.get(name);
    nodes.set(name, next);
    if (quiet || !before) return;
    if (next.cordoned !== before.cordoned) o.emit({ kind: next.cordoned ? 'node-cordoned' : 'node-uncordoned', atMs: o.nowMs(), node: name });
    if (next.ready !== before.ready) {
      const cond = n.status?.conditions?.find((c) => c.type === 'Ready');
      o.emit({ kind: 'note', atMs: o.nowMs(), message: `node ${name} is ${next.ready}${cond?.reason ? ` (${cond.reason})` : ''}`, serverTime: isoTime(cond?.lastTransitionTime) });
    }
  };
  return {
    sync(items, relisted) {
      // After a relist, what changed while the watch was away is told as it is seen now.
      for (const n of items) upsert(n, !relisted);
    },
    upsert: (n) => upsert(n),
    remove: (n) => void nodes.delete(n.metadata?.name ?? ''),
    describe: () =>
      [...nodes.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, s]) => `${name} ${s.ready}${s.cordoned ? ',SchedulingDisabled' : ''}`)
        .join(', '),
    nodesAt: (host) => [...nodes.entries()].filter(([, s]) => s.addresses.includes(host)).map(([name]) => name).sort(),
  };
}

// readyOf words the Ready condition as kubectl does: Ready, NotReady, or Unknown.
function readyOf(n: NodeLike): string {
  const status = n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return status === 'True' ? 'Ready' : status === 'False' ? 'NotReady' : 'Unknown';
}
