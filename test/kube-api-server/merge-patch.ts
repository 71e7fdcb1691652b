// The two patch kinds kubectl sends (strategic merge, JSON merge), applied the way
// the API server applies them to the objects the test server holds.

/** strategicMerge applies a strategic-merge patch: objects merge, `containers` merge by name, null deletes. */
export function strategicMerge(target: Record<string, unknown>, patch: unknown): void {
  if (!patch || typeof patch !== 'object') return;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    // Directives ($setElementOrder/containers, $retainKeys, …) order or prune lists; the merge result is the same here.
    if (k.startsWith('$')) continue;
    if (v === null) delete target[k];
    else if (k === 'containers' && Array.isArray(v) && Array.isArray(target[k])) {
      const list = target[k] as Array<Record<string, unknown>>;
      for (const item of v as Array<Record<string, unknown>>) {
        const existing = list.find((c) => c.name === item.name);
        if (existing) strategicMerge(existing, item);
        else list.push(item);
      }
    } else if (typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object') {
      strategicMerge(target[k] as Record<string, unknown>, v);
    } else target[k] = structuredClone(v);
  }
}

/** mergePatch applies a JSON merge patch (RFC 7386): objects merge, lists are replaced, null deletes. */
export function mergePatch(target: Record<string, unknown>, patch: unknown): void {
  if (!patch || typeof patch !== 'object') return;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' && !Array.isArray(target[k])) mergePatch(target[k] as Record<string, unknown>, v);
    else target[k] = structuredClone(v);
  }
}
