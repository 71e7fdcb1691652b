// The API test server's object store: every object carries a resourceVersion
// from one counter, every change is kept in a history that watches replay from
// a resourceVersion, and compaction makes older versions answer 410 Gone.

/** KubeObject is any stored object (raw Kubernetes JSON). */
export interface KubeObject {
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** WatchType is a watch event type the store produces. */
export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Change is one stored change, replayed to watches. */
export interface Change {
  rv: number;
  resource: string;
  type: WatchType;
  object: KubeObject;
}

/** KubeStore holds the objects of each resource ("pods", "deployments", …) and their change history. */
export interface KubeStore {
  readonly rv: number;
  readonly compactedRv: number;
  get(resource: string, name: string): KubeObject | undefined;
  list(resource: string): KubeObject[];
  /** put creates or replaces an object and bumps its resourceVersion. */
  put(resource: string, object: KubeObject): KubeObject;
  remove(resource: string, name: string): void;
  /** since returns the changes after `rv` (null when `rv` is older than the compaction point). */
  since(resource: string, rv: number): Change[] | null;
  subscribe(listener: (c: Change) => void): () => void;
  /** compact forgets the history so far: watches from an older version get 410 Gone. */
  compact(): void;
}

let uidCounter = 0;

/** createKubeStore makes an empty store whose resourceVersions start at `startRv`. */
export function createKubeStore(startRv = 100): KubeStore {
  const objects = new Map<string, Map<string, KubeObject>>();
  const history: Change[] = [];
  const listeners = new Set<(c: Change) => void>();
  let rv = startRv;
  let compactedRv = startRv;
  const bucket = (resource: string): Map<string, KubeObject> => {
    let b = objects.get(resource);
    if (!b) objects.set(resource, (b = new Map()));
    return b;
  };
  const record = (resource: string, type: WatchType, object: KubeObject): void => {
    const change = { rv, resource, type, object: structuredClone(object) };
    history.push(change);
    for (const l of listeners) l(change);
  };
  return {
    get rv() {
      return rv;
    },
    get compactedRv() {
      return compactedRv;
    },
    get: (resource, name) => {
      const o = bucket(resource).get(name);
      return o ? structuredClone(o) : undefined;
    },
    list: (resource) => [...bucket(resource).values()].map((o) => structuredClone(o)),
    put(resource, object) {
      const b = bucket(resource);
      const existed = b.has(object.metadata.name);
      rv += 1;
      const stored = structuredClone(object);
      stored.metadata.resourceVersion = String(rv);
      stored.metadata.uid ??= `uid-${(uidCounter += 1)}`;
      b.set(stored.metadata.name, stored);
      record(resource, existed ? 'MODIFIED' : 'ADDED', stored);
      return structuredClone(stored);
    },
    remove(resource, name) {
      const b = bucket(resource);
      const o = b.get(name);
      if (!o) return;
      b.delete(name);
      rv += 1;
      o.metadata.resourceVersion = String(rv);
      record(resource, 'DELETED', o);
    },
    since(resource, from) {
      if (from < compactedRv) return null;
      return history.filter((c) => c.resource === resource && c.rv > from);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    compact() {
      compactedRv = rv;
      history.length = 0;
    },
  };
}
