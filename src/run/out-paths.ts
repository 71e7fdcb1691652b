import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/** defaultOutPath is reports/<timestamp>-<command>.json under `cwd`, creating reports/ when needed. */
export function defaultOutPath(cwd: string, command: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const dir = `${cwd}/reports`;
  mkdirSync(dir, { recursive: true });
  return `${dir}/${stamp}-${command}.json`;
}

/** htmlPathFor is where the HTML report of a results file goes: run.json → run.html. */
export function htmlPathFor(outPath: string): string {
  return outPath.replace(/\.json$/i, '') + '.html';
}

/** podLogDir is where a run's pod logs go: next to the results, `<out>.pods/`. */
export function podLogDir(outPath: string): string {
  return outPath.replace(/\.json$/i, '') + '.pods';
}

/** writeHtml writes a report, with a one-line error when the folder is missing or not writable. */
export function writeHtml(path: string, html: string): void {
  if (!existsSync(dirname(path))) {
    throw new UsageError(`--out: folder ${dirname(path)} does not exist; create it or choose another path`);
  }
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new UsageError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); choose another path with -o`);
  }
}
