// npm run slow-start -- [--runs N]: rolls the demo app N times with its cold start
// and N times without (test/cli/slow-start-demo.ts), prints how often slow-start was
// found, each start-up's p50/p99 against the settled pods' (the margins, cold and warm),
// what else was found, and exits 1 on a miss: a cold run without slow-start, or
// a warm run with it.
import { buildPodTimelines } from '../src/analysis/index.js';
import { compareStartups, SLOW_START_RULES, type StartupComparison } from '../src/analysis/findings-slow-start.js';
import type { Results } from '../src/results/types.js';
import { COLD_START_MS, runSlowStartDemo, slowStartDemoArgs } from '../test/cli/slow-start-demo.js';

const args = process.argv.slice(2);
const i = args.indexOf('--runs');
const runs = Number(i >= 0 ? args[i + 1] : '10');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('slow-start: --runs must be a whole number of at least 1\n');
  process.exit(2);
}

/** startups compares every start-up of a run as the analysis did (the pods failures were attributed to included). */
function startups(r: Results): StartupComparison[] {
  const pods = r.failures.map((f, n) => r.analysis?.attributions[n]?.pod ?? f.pod);
  return compareStartups({ results: r, timelines: buildPodTimelines(r.events), pods });
}

/** ratio is how many times the start-up's figure is the settled pods' (0 when either is missing). */
const ratio = (a: number | null, b: number | null): number => (a === null || b === null || b === 0 ? 0 : a / b);

/** figures says each start-up in short: its pod's suffix, first/settled p50 and p99, timeouts, and whether it was called slow. */
function figures(list: readonly StartupComparison[]): string {
  return list
    .map((c) => `${c.pod.replace(/^.*-/, '')}${c.evidence ? ' SLOW' : ''} p50 ${c.first.p50Ms}/${c.settled.p50Ms} ms, p99 ${c.first.p99Ms}/${c.settled.p99Ms} ms, ${c.first.timeouts} timeouts`)
    .join('; ');
}

/** newPods counts the pods the rollout created (the second revision's). */
function newPods(r: Results): number {
  const created = r.events.filter((e) => e.kind === 'pod-created');
  const firstRevision = created[0]?.kind === 'pod-created' ? created[0].revision : undefined;
  return created.filter((e) => e.kind === 'pod-created' && e.revision !== firstRevision).length;
}

const rows: string[][] = [['demo', 'runs', 'slow-start', 'start-ups slow', 'p50 ×settled', 'p99 ×settled', 'other findings (runs)', 'verdicts', 'misses']];
let missed = 0;
for (const cold of [true, false]) {
  let found = 0;
  let slowStartups = 0;
  let created = 0;
  const p50s: number[] = [];
  const p99s: number[] = [];
  const others = new Map<string, number>();
  const verdicts = new Map<string, number>();
  const misses: string[] = [];
  for (let n = 1; n <= runs; n += 1) {
    const r = await runSlowStartDemo(cold);
    const findings = r.analysis?.findings ?? [];
    const slow = findings.find((f) => f.id === 'slow-start');
    if (slow) found += 1;
    const list = startups(r).filter((c) => c.compared);
    slowStartups += list.filter((c) => c.evidence !== undefined).length;
    created += newPods(r);
    for (const c of list) {
      p50s.push(ratio(c.first.p50Ms, c.settled.p50Ms));
      p99s.push(ratio(c.first.p99Ms, c.settled.p99Ms));
    }
    for (const f of findings) if (f.id !== 'slow-start') others.set(f.id, (others.get(f.id) ?? 0) + 1);
    const verdict = r.analysis?.verdict.inconclusive ? 'inconclusive' : r.analysis?.verdict.pass ? 'pass' : 'fail';
    verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
    const miss = cold ? slow === undefined : slow !== undefined;
    if (miss) misses.push(`#${n}`);
    process.stderr.write(
      `${cold ? 'cold' : 'warm'} run ${n}/${runs}: ${miss ? 'MISS' : 'right'}; start-ups (first/settled): ${figures(list) || 'none compared'}; ` +
        `other findings: ${findings.filter((f) => f.id !== 'slow-start').map((f) => f.id).join(', ') || 'none'}; ${verdict}\n`,
    );
  }
  missed += misses.length;
  const list = (m: Map<string, number>): string => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const range = (xs: number[]): string => (xs.length === 0 ? '-' : `${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)}`);
  rows.push([
    cold ? `cold ${COLD_START_MS} ms` : 'warm',
    String(runs),
    `${found} of ${runs}`,
    `${slowStartups} of ${created} new pods`,
    range(p50s),
    range(p99s),
    list(others),
    list(verdicts),
    misses.join(' ') || 'none',
  ]);
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(c === r.length - 1 ? 0 : (widths[c] ?? 0))).join('  ')}\n`);
process.stdout.write(
  `slow at: p50 ≥ ${SLOW_START_RULES.p50Factor}× and +${SLOW_START_RULES.p50MarginMs} ms, or p99 ≥ ${SLOW_START_RULES.p99Factor}× and +${SLOW_START_RULES.p99MarginMs} ms ` +
    `(against the settled pods over the moments both answered, and the same pod later), or timeouts on ${SLOW_START_RULES.failShare * 100} % of its requests\n`,
);
process.stdout.write(`each run: rollcheck ${slowStartDemoArgs(true).join(' ')}  (warm: without --env)\n`);
process.exit(missed === 0 ? 0 : 1);
