import { appendFileSync, writeFileSync } from 'node:fs';
import { formatMarkdownSummary } from '../../report/markdown-summary.js';
import type { Baseline } from './baseline-judge.js';
import type { Output } from './output.js';
import { checkFolder } from './results-file.js';

/** MarkdownOutputOptions: the file to write (--summary-md) and the job summary file to append to ($GITHUB_STEP_SUMMARY). */
export interface MarkdownOutputOptions {
  path?: string;
  stepSummaryPath?: string;
  baseline?: Baseline;
}

/**
 * markdownOutput writes the run's Markdown summary to `path` (every run of the
 * command, one after the other) and appends each run's to the GitHub job summary.
 */
export function markdownOutput(o: MarkdownOutputOptions): Output {
  const sections: string[] = [];
  return {
    name: 'Markdown summary',
    check() {
      if (o.path !== undefined) checkFolder(o.path, '--summary-md');
      if (o.stepSummaryPath !== undefined) checkFolder(o.stepSummaryPath, 'GITHUB_STEP_SUMMARY');
    },
    finish(run) {
      const text = formatMarkdownSummary(run.results, o.baseline ? { comparison: o.baseline.compare(run.results) } : {});
      sections.push(text);
      if (o.path !== undefined) {
        writeFileSync(o.path, sections.join('\n'));
        run.written.push({ label: 'summary', path: o.path });
      }
      if (o.stepSummaryPath !== undefined) appendFileSync(o.stepSummaryPath, `${text}\n`);
    },
  };
}
