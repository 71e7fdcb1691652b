import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../../errors.js';
import { analyze } from '../../analysis/index.js';
import { formatCompareTable, renderCompareReport } from '../../report/index.js';
import { writeHtml } from '../../run/out-paths.js';
import { loadResults } from '../../results/io.js';

const HELP = `
Puts two or more saved runs side by side: a terminal table (failures, error
rate, longest outage, p99, verdict, findings) and one HTML page with the runs
on the same axes.

Examples:
  $ rollcheck compare reports/shell.json reports/exec.json -o compare.html
  $ rollcheck compare before.json after.json --label before --label after`;

/** registerCompare adds `rollcheck compare a.json b.json [c.json…] -o compare.html`. */
export function registerCompare(program: Command, ctx: CommandContext): void {
  program
    .command('compare')
    .description('compare two or more results files side by side')
    .argument('<results...>', 'results JSON files (two or more)')
    .option('-o, --out <file>', 'HTML file to write', 'compare.html')
    .option('--label <name>', 'a name for each run, in order (repeatable; default: the run\'s variant or start time)', collect, [] as string[])
    .addHelpText('after', HELP)
    .action((files: string[], opts: { out: string; label: string[] }) => {
      if (files.length < 2) throw new UsageError(`compare needs at least two results files, got ${files.length}; e.g. rollcheck compare a.json b.json`);
      if (opts.label.length > 0 && opts.label.length !== files.length) {
        throw new UsageError(`--label: got ${opts.label.length} labels for ${files.length} files; give one per file or none`);
      }
      const runs = files.map((f) => loadResults(resolve(ctx.io.cwd, f)));
      for (const r of runs) r.analysis ??= analyze(r, { maxErrors: 0 });
      const labels = opts.label.length ? opts.label : undefined;
      const outPath = resolve(ctx.io.cwd, opts.out);
      writeHtml(outPath, renderCompareReport(runs, { labels }));
      const color = ctx.io.stdout.isTTY === true && ctx.io.env.NO_COLOR === undefined;
      ctx.io.stdout.write(formatCompareTable(runs, { color, labels }) + `\ncompare report: ${outPath}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
