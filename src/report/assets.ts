import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';

/** ReportAssets is the charting library, inlined into every report so nothing is fetched at view time. */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  uplotVersion: string;
}

let cached: ReportAssets | undefined;

/** loadReportAssets reads uPlot's minified IIFE build and CSS from node_modules (once per process). */
export function loadReportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    const pkgPath = require.resolve('uplot/package.json');
    const dir = pkgPath.slice(0, -'package.json'.length);
    const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version?: string }).version ?? 'unknown';
    cached = {
      uplotJs: readFileSync(`${dir}dist/uPlot.iife.min.js`, 'utf8'),
      uplotCss: readFileSync(`${dir}dist/uPlot.min.css`, 'utf8'),
      uplotVersion: version,
    };
    return cached;
  } catch (e) {
    throw new UsageError(`cannot read the uplot package for the report (${(e as Error).message}); reinstall rollcheck (npm ci)`);
  }
}
