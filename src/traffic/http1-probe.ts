import { Client, type Dispatcher } from 'undici';
import { errorCode } from './classify.js';
import { connectOptionsFor } from './connect-options.js';
import type { ProbeOptions, ProbeResult } from './probe.js';
import type { TrafficSettings } from './settings.js';

// Requests timed on one kept-alive connection after the first: the quickest is the latency used.
const TIMED_REQUESTS = 3;
// The CPU estimate: up to CPU_REQUESTS measured within CPU_BUDGET_MS after CPU_SKIP unmeasured ones (the
// JIT is still compiling the client then), CPU_PARALLEL at a time; at least CPU_MIN measured.
const CPU_REQUESTS = 400;
const CPU_SKIP = 200;
const CPU_MIN = 64;
const CPU_BUDGET_MS = 1000;
const CPU_PARALLEL = 16;

/**
 * probeHttp1 is the HTTP/1.1 pre-flight (undici, for either client): it sends one request on a new connection before any traffic (the
 * pre-flight): any HTTP answer, even a 5xx, means something listens. Then it
 * times a few requests on a warm connection; `latencyMs` is the quickest
 * (a lower bound: a first request pays for connecting and cold code paths),
 * NaN when those failed. With `measureCpu`, a burst more gives the client's
 * CPU per request (`cpuUsPerRequest`), for the pre-flight capacity estimate.
 */
export async function probeHttp1(url: string, settings: TrafficSettings, options: ProbeOptions = {}): Promise<ProbeResult> {
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
    const cpuUsPerRequest = options.measureCpu === true && Number.isFinite(latencyMs) ? await cpuPerRequest(() => send(false)) : undefined;
    return {
      answered: true,
      status: first.statusCode,
      latencyMs,
      ...(cpuUsPerRequest !== undefined ? { cpuUsPerRequest } : {}),
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

/**
 * cpuPerRequest measures the client's CPU per request (µs of this process's
 * user + system time) over a burst on the warm connection, CPU_PARALLEL at a
 * time as under load (serial requests would pay an event-loop turn each),
 * once the first CPU_SKIP have warmed the code up; undefined when too few fit
 * the time budget (a slow target) or one failed. An upper bound: the
 * process's other work counts too.
 */
async function cpuPerRequest(send: () => Promise<unknown>): Promise<number | undefined> {
  const deadline = performance.now() + CPU_BUDGET_MS;
  const wave = async (): Promise<void> => void (await Promise.all(Array.from({ length: CPU_PARALLEL }, send)));
  try {
    for (let i = 0; i < CPU_SKIP && performance.now() < deadline; i += CPU_PARALLEL) await wave();
    const from = process.cpuUsage();
    let measured = 0;
    while (measured < CPU_REQUESTS && performance.now() < deadline) {
      await wave();
      measured += CPU_PARALLEL;
    }
    if (measured < CPU_MIN) return undefined;
    const used = process.cpuUsage(from);
    return (used.user + used.system) / measured;
  } catch {
    return undefined;
  }
}
