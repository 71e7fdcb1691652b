import { Client, type Dispatcher } from 'undici';
import { errorCode } from './classify.js';
import { connectOptionsFor } from './connect-options.js';
import type { ProbeResult } from './probe.js';
import type { TrafficSettings } from './settings.js';

// Requests timed on one kept-alive connection after the first: the quickest is the latency used.
const TIMED_REQUESTS = 3;

/**
 * probeHttp1 is the HTTP/1.1 pre-flight (undici, for either client): it sends one request on a new connection before any traffic (the
 * pre-flight): any HTTP answer, even a 5xx, means something listens. Then it
 * times a few requests on a warm connection; `latencyMs` is the quickest
 * (a lower bound: a first request pays for connecting and cold code paths),
 * NaN when those failed.
 */
export async function probeHttp1(url: string, settings: TrafficSettings): Promise<ProbeResult> {
  const target = new URL(url);
  const client = new Client(target.origin, {
    connectTimeout: settings.timeoutMs,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    ...connectOptionsFor(settings, target.origin),
  });
  const send = async (reset: boolean): Promise<Dispatcher.ResponseData> => {
    const res = await client.request({
      path: target.pathname + target.search,
      method: settings.method,
      headers: Object.fromEntries(settings.headers),
      body: settings.body ? Buffer.from(settings.body) : null,
      reset,
    });
    await res.body.dump();
    return res;
  };
  try {
    const first = await send(true);
    const header = (name: string): string | undefined => {
      const v = first.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const server = header('server');
    const via = header('via');
    let latencyMs = Number.POSITIVE_INFINITY;
    try {
      for (let i = 0; i < TIMED_REQUESTS; i += 1) {
        const startMs = performance.now();
        await send(false);
        latencyMs = Math.min(latencyMs, performance.now() - startMs);
      }
    } catch {
      // It answered once; a timing that failed says nothing about the pool, so none is given.
      latencyMs = Number.NaN;
    }
    return {
      answered: true,
      status: first.statusCode,
      latencyMs,
      ...(server !== undefined ? { server } : {}),
      ...(via !== undefined ? { via } : {}),
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { answered: false, code: errorCode(err) ?? err.name, message: err.message };
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
