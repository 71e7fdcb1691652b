// The rollcheck CLI as a child process of a test (a runner pod, a sandbox Job):
// the built one in dist/ when it is newer than every source file, so the child
// loads plain JavaScript instead of compiling src/ through tsx at each start
// (about 1.5 s of CPU less a start on these machines); the source otherwise, so
// a test never runs code older than the tree it checks.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollcheckArgv } from '../../src/run/local-runners.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_ENTRY = join(ROOT, 'dist', 'cli', 'entry.js');

// newestMtimeMs is the latest change under `dir` (files and folders: a deleted file changes its folder).
function newestMtimeMs(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let fresh: boolean | undefined;

/** builtIsFresh tells whether dist/cli/entry.js was built after the last change under src/ (checked once a process). */
export function builtIsFresh(): boolean {
  fresh ??= existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= newestMtimeMs(join(ROOT, 'src'));
  return fresh;
}

/** cliArgv is how a test starts rollcheck with `args` as a child process: the fresh build, else the source through tsx. */
export function cliArgv(args: string[]): [string, string[]] {
  return builtIsFresh() ? [process.execPath, [BUILT_ENTRY, ...args]] : rollcheckArgv(args);
}
