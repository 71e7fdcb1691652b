// The embedded runtime's fake nodes: names for pods to be placed on, a
// scheduler's spreading (fewest pods first, as the default scheduler's
// NodeResourcesBalancedAllocation/PodTopologySpread scoring ends up doing for
// identical pods), and cordoning (`spec.unschedulable`: no new pods there).

/** NodePool is the set of fake nodes and which of them are cordoned. */
export interface NodePool {
  /** names lists every node, `node-1`… in order. */
  readonly names: readonly string[];
  /** place picks the node for a new pod: the schedulable node with the fewest of `podNodes`, lowest name on a tie. */
  place(podNodes: readonly string[]): string | null;
  /** cordon marks a node unschedulable; it tells whether it was schedulable before. */
  cordon(node: string): boolean;
  /** uncordon makes a node schedulable again; it tells whether it was cordoned. */
  uncordon(node: string): boolean;
  isCordoned(node: string): boolean;
  has(node: string): boolean;
}

/** createNodePool makes `count` nodes named `node-1`…`node-<count>`, all schedulable. */
export function createNodePool(count: number): NodePool {
  const names = Array.from({ length: Math.max(1, count) }, (_, i) => `node-${i + 1}`);
  const cordoned = new Set<string>();
  return {
    names,
    place(podNodes) {
      const load = new Map<string, number>();
      for (const n of podNodes) load.set(n, (load.get(n) ?? 0) + 1);
      let best: string | null = null;
      for (const n of names) {
        if (cordoned.has(n)) continue;
        if (best === null || (load.get(n) ?? 0) < (load.get(best) ?? 0)) best = n;
      }
      return best;
    },
    cordon(node) {
      if (cordoned.has(node)) return false;
      cordoned.add(node);
      return true;
    },
    uncordon: (node) => cordoned.delete(node),
    isCordoned: (node) => cordoned.has(node),
    has: (node) => names.includes(node),
  };
}
