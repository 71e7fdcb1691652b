// npm run slow-start -- [--runs N]: rolls the demo app N times with its cold start
// and N times without (test/cli/slow-start-demo.ts), prints how often slow-start was
// found and what else was, and exits 1 on a miss: a cold run without slow-start, or
// a warm run with it.
import type { Finding, Results } from '../src/results/types.js';
import { COLD_START_MS, runSlowStartDemo, slowStartDemoArgs } from '../test/cli/slow-start-demo.js';

const args = process.argv.slice(2);
const i = args.indexOf('--runs');
const runs = Number(i >= 0 ? args[i + 1] : '10');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('slow-start: --runs must be a whole number of at least 1\n');
  process.exit(2);
}

/** figures says one run's slow-start evidence in short: each pod's first p50/p99 against the settled pods'. */
function figures(f: Finding | undefined): string {
  if (f === undefined) return 'none';
  const d = f.data ?? {};
  return f.pods
    .map((pod) => `${pod.replace(/^.*-/, '')}: p50 ${d[`${pod} firstP50Ms`]}/${d[`${pod} settledP50Ms`]} ms, p99 ${d[`${pod} firstP99Ms`]}/${d[`${pod} settledP99Ms`]} ms, ${d[`${pod} timeouts`]} timeouts`)
    .join('; ');
}

/** newPods counts the pods the rollout created (the second revision's). */
function newPods(r: Results): number {
  const created = r.events.filter((e) => e.kind === 'pod-created');
  const firstRevision = created[0]?.kind === 'pod-created' ? created[0].revision : undefined;
  return created.filter((e) => e.kind === 'pod-created' && e.revision !== firstRevision).length;
}

const rows: string[][] = [['demo', 'runs', 'slow-start', 'new pods flagged', 'other findings (runs)', 'verdicts', 'misses']];
let missed = 0;
for (const cold of [true, false]) {
  let found = 0;
  let flagged = 0;
  let created = 0;
  const others = new Map<string, number>();
  const verdicts = new Map<string, number>();
  const misses: string[] = [];
  for (let n = 1; n <= runs; n += 1) {
    const r = await runSlowStartDemo(cold);
    const findings = r.analysis?.findings ?? [];
    const slow = findings.find((f) => f.id === 'slow-start');
    if (slow) found += 1;
    flagged += slow?.pods.length ?? 0;
    created += newPods(r);
    for (const f of findings) if (f.id !== 'slow-start') others.set(f.id, (others.get(f.id) ?? 0) + 1);
    const verdict = r.analysis?.verdict.inconclusive ? 'inconclusive' : r.analysis?.verdict.pass ? 'pass' : 'fail';
    verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
    const miss = cold ? slow === undefined : slow !== undefined;
    if (miss) misses.push(`#${n}`);
    process.stderr.write(
      `${cold ? 'cold' : 'warm'} run ${n}/${runs}: ${miss ? 'MISS' : 'right'}; slow-start ${figures(slow)} (first/settled); ` +
        `other findings: ${findings.filter((f) => f.id !== 'slow-start').map((f) => f.id).join(', ') || 'none'}; ${verdict}\n`,
    );
  }
  missed += misses.length;
  const list = (m: Map<string, number>): string => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  rows.push([
    cold ? `cold ${COLD_START_MS} ms` : 'warm',
    String(runs),
    `${found} of ${runs}`,
    `${flagged} of ${created}`,
    list(others),
    list(verdicts),
    misses.join(' ') || 'none',
  ]);
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(c === r.length - 1 ? 0 : (widths[c] ?? 0))).join('  ')}\n`);
process.stdout.write(`each run: rollcheck ${slowStartDemoArgs(true).join(' ')}  (warm: without --env)\n`);
process.exit(missed === 0 ? 0 : 1);
