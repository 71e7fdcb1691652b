import { mkdirSync } from 'node:fs';

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
