import { renderReport } from '../../report/index.js';
import { writeHtml } from '../out-paths.js';
import type { Output } from './output.js';
import { checkFolder } from './results-file.js';

/** htmlReportOutput writes the self-contained HTML report at `path`. */
export function htmlReportOutput(path: string, flag = '--out'): Output {
  return {
    name: 'HTML report',
    check: () => checkFolder(path, flag),
    finish(run) {
      writeHtml(path, renderReport(run.results));
      run.written.push({ label: 'report', path });
    },
  };
}
