// Rule no-pdb: a drain or eviction took more of the workload's serving pods at
// once than it left serving (or all of them), and no PodDisruptionBudget
// covered the pods. Read from events alone, whichever driver emitted them:
// `evicted` starts the disruption; a pod serves while it is ready (pod-ready,
// pod-not-ready, pod-terminating, pod-deleted) and routed (endpoint-added,
// endpoint-not-ready, endpoint-removed; a pod with no endpoint event at all
// counts as routed while ready). A replacement that is ready but not yet in the
// Service's endpoints serves nobody, so the disruption lasts until it is routed:
// the requests that fail on evicted pods still routed in that time fail while
// the capacity is out. A budget shows as pdb-status events, or as the driver's
// `pdb` fact ('none' when it looked and found none).
import type { ClusterEvent } from '../results/events.js';
import type { FailureRecord, Finding, Results } from '../results/types.js';
import type { FindingRule } from './finding-kit.js';
import { span } from './finding-kit.js';
import { FIXES } from './fixes.js';
import { formatAt, listPods, plural } from './format.js';

/** noPdb finds a disruption that left fewer serving (ready and routed) pods than it took, with no PodDisruptionBudget in the way. */
export const noPdb: FindingRule = { id: 'no-pdb', find: (input) => find(input.results, input.pods) };

/** Dip is the deepest point of the capacity a disruption took: serving before, the fewest serving after, and when. */
interface Dip {
  before: number;
  least: number;
  fromMs: number;
  toMs: number;
  evicted: string[];
}

function find(results: Results, podOf: ReadonlyArray<string | undefined>): Finding | null {
  const events = results.events;
  if (!events.some((e) => e.kind === 'evicted')) return null;
  if (events.some((e) => e.kind === 'pdb-status')) return null;
  const pdb = results.meta.facts.pdb;
  // A driver that could not read the budgets cannot say there was none.
  if (pdb === 'unknown' || (typeof pdb === 'string' && pdb !== 'none')) return null;
  const dip = deepestDip(events);
  if (!dip || dip.before - dip.least <= dip.least) return null;
  const out = dip.before - dip.least;
  // The disruption's failures: those while the capacity was out, and those on the evicted pods from the first eviction
  // on (the proxies route to them, and away from the replacements, a little after the API shows either).
  const evicted = new Set(dip.evicted);
  const during = results.failures.filter(
    (f: FailureRecord, i) => f.startAtMs >= dip.fromMs && (f.startAtMs <= dip.toMs || evicted.has(podOf[i] ?? '')),
  );
  const evidence = [
    `${plural(dip.evicted.length, 'pod')} evicted (${listPods(dip.evicted)}), the first ${formatAt(evictedAt(events))}; no PodDisruptionBudget covered them (${pdb === 'none' ? 'the driver found none' : 'no budget status was seen'})`,
    `${out} of ${dip.before} ready pods were out at once ${span(dip.fromMs, dip.toMs)} (a pod counts back once it is ready and in the endpoints), leaving ${dip.least} to serve all the traffic`,
    during.length > 0
      ? `${plural(during.length, 'request')} failed while they were out or on the evicted pods`
      : 'no request failed while they were out, but the pods left carried the whole load',
  ];
  return {
    id: 'no-pdb',
    severity: dip.least === 0 ? 'critical' : 'warning',
    title: dip.least === 0 ? `An eviction took every ready pod (${dip.before}) at once: no PodDisruptionBudget` : `Evictions took ${out} of ${dip.before} ready pods at once: no PodDisruptionBudget`,
    evidence,
    fix: `${FIXES['no-pdb']} ${budgetFor(results, dip.before)}`,
    pods: dip.evicted,
    failures: 0,
    data: { readyBefore: dip.before, readyLeast: dip.least, outAtOnce: out, failedWhileOut: during.length },
  };
}

const evictedAt = (events: readonly ClusterEvent[]): number => events.find((e) => e.kind === 'evicted')?.atMs ?? 0;

// deepestDip replays the serving pods from the events: how many served just before the first eviction, and the fewest after.
// The disruption starts at the first `evicted` or at the first step of an evicted pod's end, whichever was seen first
// (the pod watch can show the deletion before the eviction's own answer arrives).
function deepestDip(events: readonly ClusterEvent[]): Dip | null {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const keyOf = (e: { pod: string; podUid?: string }): string => e.podUid ?? e.pod;
  const evictedKeys = new Set(sorted.flatMap((e) => (e.kind === 'evicted' ? [keyOf(e)] : [])));
  const evicted = [...new Set(sorted.flatMap((e) => (e.kind === 'evicted' ? [e.pod] : [])))];
  const withEndpoints = new Set(sorted.flatMap((e) => (e.kind.startsWith('endpoint-') && 'pod' in e ? [keyOf(e)] : [])));
  const ready = new Set<string>();
  const routed = new Set<string>();
  const serving = (): number => [...ready].filter((k) => !withEndpoints.has(k) || routed.has(k)).length;
  let dip: Dip | null = null;
  let open = false;
  for (const e of sorted) {
    if (!('pod' in e)) continue;
    const key = keyOf(e);
    const lowers = e.kind === 'pod-not-ready' || e.kind === 'pod-terminating' || e.kind === 'pod-deleted';
    if (!dip && (e.kind === 'evicted' || (lowers && evictedKeys.has(key)))) {
      const now = serving();
      dip = { before: now, least: now, fromMs: e.atMs, toMs: e.atMs, evicted };
    }
    if (e.kind === 'pod-ready') ready.add(key);
    else if (lowers) ready.delete(key);
    else if (e.kind === 'endpoint-added') routed.add(key);
    else if (e.kind === 'endpoint-not-ready' || e.kind === 'endpoint-removed') routed.delete(key);
    else continue;
    if (!dip) continue;
    // The window is from the moment the count fell to its lowest to the moment it rose again.
    const now = serving();
    if (now < dip.least) {
      Object.assign(dip, { least: now, fromMs: e.atMs, toMs: e.atMs });
      open = true;
    } else if (open && now > dip.least) {
      dip.toMs = e.atMs;
      open = false;
    }
  }
  if (dip && open) dip.toMs = sorted.at(-1)?.atMs ?? dip.toMs;
  return dip && dip.before > 0 ? dip : null;
}

// budgetFor writes the budget this run needed: at most one pod of this workload's replicas disrupted at a time.
function budgetFor(results: Results, replicas: number): string {
  const name = results.meta.cluster?.workload?.name ?? 'web';
  const selector = typeof results.meta.facts.podSelector === 'string' ? results.meta.facts.podSelector : `app=${name}`;
  const keep = Math.max(1, replicas - 1);
  return (
    `For this run's ${replicas} replicas: \`kubectl create poddisruptionbudget ${name} --selector=${selector} --max-unavailable=1\` ` +
    `(or minAvailable: ${keep}), so a drain evicts one pod, waits for its replacement to be ready, then the next.`
  );
}
