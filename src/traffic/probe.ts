import { Client } from 'undici';
import { errorCode } from './classify.js';
import { connectOptionsFor } from './connect-options.js';
import type { TrafficSettings } from './settings.js';

/** ProbeResult says whether anything answered at the URL. */
export type ProbeResult =
  | { answered: true; status: number; server?: string; via?: string }
  | { answered: false; code: string; message: string };

/**
 * probe sends one request on a new connection before any traffic (the
 * pre-flight): any HTTP answer, even a 5xx, means something listens.
 */
export async function probe(url: string, settings: TrafficSettings): Promise<ProbeResult> {
  const target = new URL(url);
  const client = new Client(target.origin, {
    connectTimeout: settings.timeoutMs,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    ...connectOptionsFor(settings, target.origin),
  });
  try {
    const res = await client.request({
      path: target.pathname + target.search,
      method: settings.method,
      headers: Object.fromEntries(settings.headers),
      body: settings.body ? Buffer.from(settings.body) : null,
      reset: true,
    });
    await res.body.dump();
    const header = (name: string): string | undefined => {
      const v = res.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const server = header('server');
    const via = header('via');
    return { answered: true, status: res.statusCode, ...(server !== undefined ? { server } : {}), ...(via !== undefined ? { via } : {}) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { answered: false, code: errorCode(err) ?? err.name, message: err.message };
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
