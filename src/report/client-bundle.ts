import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** CLIENT_PAGES are the pages with a script of their own, each an entry in src/report/client/. */
export const CLIENT_PAGES = ['report-page', 'compare-page'] as const;

/** ClientPage names one page script. */
export type ClientPage = (typeof CLIENT_PAGES)[number];

// The package root: this file is src/report/ (from source) or dist/report/ (built) under it.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * bundleClientPage compiles one page's typed modules into a single browser
 * script (an IIFE, nothing imported at view time). It needs esbuild, a build-time
 * tool: `npm run build` calls it, and so does running from source (tsx); the
 * built CLI reads the bundles it wrote and never loads esbuild.
 */
export function bundleClientPage(page: ClientPage): string {
  // The esbuild binary as a short-lived process: its JS API would keep a service
  // process running after the call, and a run must leave no child behind.
  const require = createRequire(import.meta.url);
  const bin = require.resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
  const r = spawnSync(
    bin,
    [
      join('src', 'report', 'client', `${page}.ts`),
      `--tsconfig=${join('src', 'report', 'client', 'tsconfig.json')}`,
      '--bundle',
      '--format=iife',
      '--platform=browser',
      '--target=es2020',
      '--charset=utf8',
      '--legal-comments=none',
      '--log-level=error',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.error) throw new Error(`cannot run esbuild (${bin}): ${r.error.message}`);
  if (r.status !== 0 || r.stdout === '') throw new Error(`esbuild failed for ${page}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** writeClientBundles writes every page's script into `dir` (the build puts them in dist/report/client/). */
export function writeClientBundles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return CLIENT_PAGES.map((page) => {
    const path = join(dir, `${page}.js`);
    writeFileSync(path, bundleClientPage(page));
    return path;
  });
}
