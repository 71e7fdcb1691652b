import { writeFileSync } from 'node:fs';
import { formatJunit, type JunitRun } from '../../report/junit-xml.js';
import type { Baseline } from './baseline-judge.js';
import type { Output } from './output.js';
import { checkFolder } from './results-file.js';

/**
 * junitOutput writes JUnit XML at `path`: one test suite per run. Given to the
 * several runs of one command (demo's rungs) it keeps every run's suite.
 */
export function junitOutput(path: string, baseline?: Baseline): Output {
  const runs: JunitRun[] = [];
  return {
    name: 'JUnit XML',
    check: () => checkFolder(path, '--junit'),
    finish(run) {
      runs.push({ results: run.results, ...(baseline ? { comparison: baseline.compare(run.results) } : {}) });
      writeFileSync(path, formatJunit(runs));
      run.written.push({ label: 'junit', path });
    },
  };
}
