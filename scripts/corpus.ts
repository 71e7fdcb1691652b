// npm run corpus -- [--runs N] [--only TEXT]: rolls every corpus server N times
// under `rollcheck local` and prints how often each was diagnosed right.
import { CORPUS, runCorpusServer } from '../test/corpus/servers.js';
import { hasTool } from '../test/tools.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(arg('--runs') ?? '10');
const only = arg('--only');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('corpus: --runs must be a whole number of at least 1\n');
  process.exit(2);
}
const rows: string[][] = [['server', 'expected', 'right', 'wrong runs']];
for (const s of CORPUS) {
  if (only !== undefined && !s.name.includes(only)) continue;
  if (s.tool !== undefined && !hasTool(s.tool)) {
    rows.push([s.name, s.expect, 'skipped', `${s.tool} not installed`]);
    continue;
  }
  let right = 0;
  const wrong: string[] = [];
  for (let i = 0; i < runs; i += 1) {
    const r = await runCorpusServer(s);
    if (r.right) right += 1;
    else wrong.push(`#${i + 1}: ${r.why} (found ${r.findings.join(', ') || 'nothing'})`);
    process.stderr.write(`${s.name} run ${i + 1}/${runs}: ${r.right ? 'right' : `WRONG: ${r.why}`} [${r.findings.join(', ')}]\n`);
  }
  const goaway = s.goaway === undefined ? '' : s.goaway ? ', GOAWAY' : ', no GOAWAY';
  rows.push([s.name, s.expect + (s.mechanism ? ` (${s.mechanism})` : '') + goaway, `${right} of ${runs}`, wrong.join(' | ')]);
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(c === r.length - 1 ? 0 : (widths[c] ?? 0))).join('  ')}\n`);
