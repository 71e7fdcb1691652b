import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../../errors.js';
import { analyze } from '../../analysis/index.js';
import { formatCompareTable, renderCompareReport, runLabel } from '../../report/index.js';
import { formatBaselineTable } from '../../report/baseline-table.js';
import { withRegressions } from '../../analysis/regression.js';
import { DEFAULT_REGRESSION_LIMITS, parseRegressionLimits } from '../../analysis/regression-limits.js';
import { loadBaseline } from '../../run/outputs/index.js';
import { ExitCode } from '../../io.js';
import { writeHtml } from '../../run/out-paths.js';
import { loadResults } from '../../results/io.js';

const HELP = `
Puts two or more saved runs side by side: a terminal table (failures, error
rate, longest outage, p99, verdict, findings) and one HTML page with the runs
on the same axes.

Examples:
  $ rollcheck compare reports/shell.json reports/exec.json -o compare.html
  $ rollcheck compare before.json after.json --label before --label after
  $ rollcheck compare --baseline last-release.json new.json --max-regression errors=0,p99=20%,outage=200ms

With --baseline each run is judged against the baseline run: exit 1 when one
regressed past --max-regression (default errors=0,outage=0ms,findings=0), 0 when none did.`;

/** registerCompare adds `rollcheck compare a.json b.json [c.json…] -o compare.html` and `rollcheck compare --baseline FILE new.json`. */
export function registerCompare(program: Command, ctx: CommandContext): void {
  program
    .command('compare')
    .description('compare two or more results files side by side, or judge runs against a baseline run')
    .argument('<results...>', 'results JSON files (two or more; one or more with --baseline)')
    .option('-o, --out <file>', 'HTML file to write', 'compare.html')
    .option('--label <name>', 'a name for each run, in order (repeatable; default: the run\'s variant or start time)', collect, [] as string[])
    .option('--baseline <file>', 'judge each run against this saved run: exit 1 when one regressed past --max-regression')
    .option('--max-regression <limits>', `how much worse than --baseline a run may be (default ${DEFAULT_REGRESSION_LIMITS}), e.g. errors=0,p99=20%,outage=200ms`)
    .addHelpText('after', HELP)
    .action((files: string[], opts: { out: string; label: string[]; baseline?: string; maxRegression?: string }) => {
      const least = opts.baseline === undefined ? 2 : 1;
      if (files.length < least) throw new UsageError(`compare needs at least two results files, got ${files.length}; e.g. rollcheck compare a.json b.json (or --baseline base.json new.json)`);
      if (opts.label.length > 0 && opts.label.length !== files.length) {
        throw new UsageError(`--label: got ${opts.label.length} labels for ${files.length} files; give one per file or none`);
      }
      if (opts.maxRegression !== undefined && opts.baseline === undefined) throw new UsageError('--max-regression needs --baseline FILE: the run it is measured against');
      const runs = files.map((f) => loadResults(resolve(ctx.io.cwd, f)));
      for (const r of runs) r.analysis ??= analyze(r, { maxErrors: 0 });
      let labels = opts.label.length ? opts.label : undefined;
      const color = ctx.io.stdout.isTTY === true && ctx.io.env.NO_COLOR === undefined;
      if (opts.baseline !== undefined) {
        const baseline = loadBaseline(resolve(ctx.io.cwd, opts.baseline), parseRegressionLimits(opts.maxRegression ?? DEFAULT_REGRESSION_LIMITS));
        let regressed = false;
        runs.forEach((r, i) => {
          const c = baseline.compare(r);
          // The regressions join each run's verdict, so the page and the table below name them.
          if (r.analysis) r.analysis.verdict = withRegressions(r.analysis.verdict, c.regressions);
          regressed ||= c.regressions.length > 0;
          ctx.io.stdout.write(`${formatBaselineTable(labels?.[i] ?? files[i] ?? 'run', c, color)}\n\n`);
        });
        runs.unshift(baseline.results);
        labels = ['baseline', ...(labels ?? runs.slice(1).map((r, i) => runLabel(r, i + 1)))];
        ctx.setExit(regressed ? ExitCode.verdictFailed : ExitCode.pass);
      }
      const outPath = resolve(ctx.io.cwd, opts.out);
      writeHtml(outPath, renderCompareReport(runs, { labels }));
      ctx.io.stdout.write(formatCompareTable(runs, { color, labels }) + `\ncompare report: ${outPath}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
