import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { readThresholds } from '../../results/thresholds.js';
import { htmlPathFor } from '../../run/out-paths.js';
import { createOutputSet, htmlReportOutput, terminalSummaryOutput } from '../../run/outputs/index.js';
import { analyze } from '../../analysis/index.js';
import { loadResults } from '../../results/io.js';

const HELP = `
Re-renders the self-contained HTML report from a saved results file: the
report is a function of the file, so it can be made again anywhere, offline.
The stored analysis is used as it is, unless a threshold flag is given: then
the run is analysed again against the new limits.

Examples:
  $ rollcheck report reports/2026-01-01T00-00-00Z-local.json
  $ rollcheck report run.json -o /tmp/run.html
  $ rollcheck report run.json --max-errors 5 --summary`;

const THRESHOLD_FLAGS = ['maxErrors', 'maxErrorRate', 'maxP99', 'maxOutage'];

/** registerReport adds `rollcheck report run.json [-o run.html]`. */
export function registerReport(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('report')
    .description('render the HTML report of a saved results file')
    .argument('<results>', 'results JSON file written by load, local, run, demo or scenario')
    .option('-o, --out <file>', 'HTML file to write (default: next to the results, .json replaced by .html)')
    .option('--summary', 'also print the terminal summary');
  addOutputOptions(addThresholdOptions(cmd), { live: false })
    .addHelpText('after', HELP)
    .action(async (file: string, opts: Record<string, unknown>) => {
      const inPath = resolve(ctx.io.cwd, file);
      const results = loadResults(inPath);
      const rejudge = THRESHOLD_FLAGS.some((f) => cmd.getOptionValueSource(f) === 'cli');
      if (rejudge || results.analysis === null) results.analysis = analyze(results, readThresholds(opts));
      const outPath = resolve(ctx.io.cwd, typeof opts.out === 'string' ? opts.out : htmlPathFor(inPath));
      // The same outputs a run ends with, from the saved file alone.
      const outputs = createOutputSet([
        htmlReportOutput(outPath),
        ...readOutputs(opts, ctx.io),
        terminalSummaryOutput({ summary: opts.summary === true }),
      ]);
      outputs.check();
      await outputs.finish({ results, resultsPath: inPath, io: ctx.io, screen: false });
    });
}
