import { connect } from 'node:http2';
import { trustFor } from '../connect-options.js';
import type { ProbeResult } from '../probe.js';
import type { TrafficSettings } from '../settings.js';
import { sessionOptions } from './h2-connection.js';

/**
 * probeH2 sends the run's first request over HTTP/2 on a new connection before
 * any traffic: any answer means something speaks HTTP/2 there. It measures no
 * latency (NaN): the pool sizing of HTTP/1.1, one request per connection, does
 * not apply to connections that carry many streams each.
 */
export async function probeH2(url: string, settings: TrafficSettings): Promise<ProbeResult> {
  const target = new URL(url);
  const origin = `${target.protocol}//${target.host}`;
  const spec = settings.mix?.[0];
  const session = connect(origin, sessionOptions(origin, trustFor(settings, origin)));
  // One timer for every way the probe ends (an answer, a session or stream error, a throw): cleared in finally.
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<ProbeResult>((resolve) => {
      const fail = (e: NodeJS.ErrnoException): void => {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        resolve({ answered: false, code: (e.code?.startsWith('ERR_HTTP2_STREAM') ? cause : e.code) ?? cause ?? e.name, message: e.message });
      };
      session.on('error', fail);
      timer = setTimeout(() => resolve({ answered: false, code: 'ETIMEDOUT', message: 'no HTTP/2 answer in time' }), settings.timeoutMs);
      const headers: Record<string, string> = { ':method': spec?.method ?? settings.method, ':path': spec?.path ?? target.pathname + target.search };
      for (const [k, v] of settings.headers) headers[k.toLowerCase()] = v;
      const body = settings.body;
      const stream = session.request(headers, { endStream: body === undefined });
      if (body !== undefined) stream.end(Buffer.from(body));
      stream.on('error', fail);
      stream.on('response', (h) => {
        const text = (name: string): string | undefined => (typeof h[name] === 'string' ? (h[name] as string) : undefined);
        const server = text('server');
        const via = text('via');
        resolve({ answered: true, status: Number(h[':status'] ?? 0), latencyMs: Number.NaN, ...(server !== undefined ? { server } : {}), ...(via !== undefined ? { via } : {}) });
      });
    });
  } finally {
    clearTimeout(timer);
    session.destroy();
  }
}
