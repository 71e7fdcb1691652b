import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, BuildResult } from 'esbuild';

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
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as { buildSync(o: BuildOptions): BuildResult<{ write: false }> };
  const result = esbuild.buildSync({
    entryPoints: [join('src', 'report', 'client', `${page}.ts`)],
    absWorkingDir: ROOT,
    tsconfig: join('src', 'report', 'client', 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild wrote nothing for ${page}`);
  return out.text;
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
