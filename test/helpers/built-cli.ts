// The rollcheck CLI as a child process of a test (a runner pod, a sandbox Job).
// Run from the test tree (scripts/test-tree.mjs, JavaScript already) it is that
// tree's own entry. Run from the .ts sources (`npm test -- --from-source`, or a
// file run by hand through tsx) it is the build in dist/ when that is newer than
// every source file, so the child loads plain JavaScript instead of compiling
// src/ through tsx at each start (~1.5 s of CPU a start on these machines); the
// source otherwise, so a test never runs code older than the tree it checks.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollcheckArgv } from '../../src/run/local-runners.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** REPO_ROOT is the checkout itself, also when this file runs from the test tree (whose package.json links back to it). */
export const REPO_ROOT = dirname(realpathSync(fileURLToPath(new URL('../../package.json', import.meta.url))));
const BUILT_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'entry.js');

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
  fresh ??= existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= newestMtimeMs(join(REPO_ROOT, 'src'));
  return fresh;
}

/** cliKind says which CLI cliArgv starts: the test tree's JavaScript, the fresh build in dist/, or the source through tsx. */
export function cliKind(): 'tree' | 'dist' | 'source' {
  if (!FROM_SOURCE) return 'tree';
  return builtIsFresh() ? 'dist' : 'source';
}

/** cliArgv is how a test starts rollcheck with `args` as a child process (see cliKind). */
export function cliArgv(args: string[]): [string, string[]] {
  return cliKind() === 'dist' ? [process.execPath, [BUILT_ENTRY, ...args]] : rollcheckArgv(args);
}
