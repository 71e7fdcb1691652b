import { Client, type Dispatcher } from 'undici';
import { errorCode } from './classify.js';
import { connectOptionsFor } from './connect-options.js';
import type { TrafficSettings } from './settings.js';
import { UsageError } from '../errors.js';
import { probeH2 } from './h2/h2-probe.js';

/** ProbeResult says whether anything answered at the URL, and how fast a warm connection answers. */
export type ProbeResult =
  | { answered: true; status: number; latencyMs: number; server?: string; via?: string }
  | { answered: false; code: string; message: string };

// Requests timed on one kept-alive connection after the first: the quickest is the latency used.
const TIMED_REQUESTS = 3;

/**
 * probe sends one request on a new connection before any traffic (the
 * pre-flight): any HTTP answer, even a 5xx, means something listens. Then it
 * times a few requests on a warm connection; `latencyMs` is the quickest
 * (a lower bound: a first request pays for connecting and cold code paths),
 * NaN when those failed.
 */
export async function probe(url: string, settings: TrafficSettings): Promise<ProbeResult> {
  const protocol = settings.protocol ?? 'http1';
  const https = new URL(url).protocol === 'https:';
  if (protocol === 'h2' && !https) throw new UsageError(`--protocol h2 is HTTP/2 over TLS: use an https:// URL, or --protocol h2c for ${url}`);
  if (protocol === 'h2c' && https) throw new UsageError(`--protocol h2c is cleartext HTTP/2: use an http:// URL, or --protocol h2 for ${url}`);
  const first = protocol === 'http1' ? await probeHttp1(url, settings) : await probeH2(url, settings);
  if (first.answered || !OTHER_PROTOCOL_HINT.test(first.code)) return first;
  // Something listens but does not speak this protocol: say which one it speaks, before any traffic.
  if (protocol === 'http1') {
    if ((await probeH2(url, settings)).answered) {
      throw new UsageError(`${url} answers only HTTP/2: use --protocol ${https ? 'h2' : 'h2c'} (or --protocol grpc for a gRPC service)`);
    }
  } else if ((await probeHttp1(url, settings)).answered) {
    throw new UsageError(`${url} answers only HTTP/1.1: use --protocol http1`);
  }
  return first;
}

// Failures that may be a server speaking another protocol (not: nothing listening, no name, TLS trust, a timeout).
const OTHER_PROTOCOL_HINT = /^(?!ECONNREFUSED$|ENOTFOUND$|EAI_|ETIMEDOUT$|UND_ERR_CONNECT_TIMEOUT$|UND_ERR_HEADERS_TIMEOUT$|ERR_TLS_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_)/;

async function probeHttp1(url: string, settings: TrafficSettings): Promise<ProbeResult> {
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
