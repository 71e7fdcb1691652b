import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { writeResults } from '../../results/io.js';
import type { Output } from './output.js';

/** resultsFileOutput writes the versioned results JSON at the run's results path. */
export function resultsFileOutput(path: string): Output {
  return {
    name: 'results file',
    check: () => checkFolder(path, '--out'),
    finish(run) {
      writeResults(path, run.results);
      run.written.push({ label: 'results', path });
    },
  };
}

/** checkFolder fails before any traffic when `path`'s folder does not exist, naming the flag that chose it. */
export function checkFolder(path: string, flag: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) throw new UsageError(`${flag}: folder ${dir} does not exist; create it or choose another path`);
}
