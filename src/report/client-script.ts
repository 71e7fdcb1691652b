import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { bundleClientPage, type ClientPage } from './client-bundle.js';

const cache = new Map<ClientPage, string>();

/**
 * clientScript is one page's browser script, ready to inline: the bundle the
 * build wrote next to this file (dist/report/client/<page>.js), or, running
 * from source, the typed modules in src/report/client/ bundled on first use.
 */
export function clientScript(page: ClientPage): string {
  const hit = cache.get(page);
  if (hit !== undefined) return hit;
  const built = fileURLToPath(new URL(`./client/${page}.js`, import.meta.url));
  let code: string;
  if (existsSync(built)) code = readFileSync(built, 'utf8');
  else if (import.meta.url.endsWith('.ts')) code = bundleClientPage(page);
  else throw new UsageError(`the report page script ${built} is missing; rebuild rollcheck (npm run build)`);
  cache.set(page, code);
  return code;
}
