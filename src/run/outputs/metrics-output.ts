import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { LiveView } from '../../results/live.js';
import { createHistogram, mergeEncoded, type Histogram } from '../../results/histogram.js';
import { INTERVAL_MS, type IntervalSample } from '../../results/types.js';
import { figuresFromResults, figuresFromSnapshot, type MetricFigures } from './metrics-figures.js';
import type { Output } from './output.js';

/** MetricsOutputOptions: where to listen, and how long to keep serving the final figures after the run. */
export interface MetricsOutputOptions {
  host: string;
  port: number;
  lingerMs: number;
  io: Io;
}

// A completed interval can still gain late batches from workers for a moment: the live histogram takes it after this.
const SETTLE_MS = 1000;

/**
 * metricsOutput serves Prometheus metrics at http://HOST:PORT/metrics from the
 * moment traffic starts: live figures while the run goes, the results' exact
 * figures once it is analysed, for `lingerMs` more so that a last scrape sees them.
 */
export function metricsOutput(o: MetricsOutputOptions): Output {
  let server: Server | undefined;
  let live: LiveView | undefined;
  let final: MetricFigures | undefined;
  let latency: Histogram = createHistogram();
  let mergedToMs = -Infinity;
  const mergeLive = (recent: readonly IntervalSample[], nowMs: number): void => {
    const ready = recent.filter((i) => i.atMs > mergedToMs && i.atMs + INTERVAL_MS + SETTLE_MS <= nowMs);
    mergeEncoded(ready.map((i) => i.histogram), latency);
    const last = ready[ready.length - 1];
    if (last) mergedToMs = last.atMs;
  };
  const figures = (): MetricFigures => {
    if (final) return final;
    if (!live) throw new Error('metricsOutput: scraped before the run started');
    const s = live.snapshot();
    mergeLive(s.recent, s.nowMs);
    return figuresFromSnapshot(s);
  };
  // prom-client is loaded when the endpoint starts, not by every command that merely offers --metrics-port.
  let registry: Awaited<ReturnType<typeof loadRegistry>> | undefined;
  const loadRegistry = async () => (await import('./metrics-registry.js')).createMetricsRegistry(figures, () => latency);
  return {
    name: 'metrics endpoint',
    async start(view) {
      live = view;
      final = undefined;
      latency = createHistogram();
      mergedToMs = -Infinity;
      const reg = (registry ??= await loadRegistry());
      server ??= await listen(o, async (res) => {
        const body = await reg.metrics();
        res.writeHead(200, { 'content-type': reg.contentType });
        res.end(body);
      });
    },
    finish(run) {
      // The exact figures of the results file, latency from every recorded interval.
      latency = mergeEncoded(run.results.intervals.map((i) => i.histogram));
      final = figuresFromResults(run.results);
    },
    async stop() {
      if (!server) return;
      if (final !== undefined && o.lingerMs > 0) {
        o.io.stderr.write(`rollcheck: metrics: serving the final figures for ${Math.round(o.lingerMs / 1000)} s more (--metrics-linger)\n`);
        // Ctrl-C ends the linger too.
        await sleep(o.lingerMs, undefined, { signal: o.io.interrupt }).catch(() => undefined);
      }
      const s = server;
      server = undefined;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

function listen(o: MetricsOutputOptions, serve: (res: import('node:http').ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('rollcheck serves GET /metrics\n');
      return;
    }
    serve(res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'is in use' : e.code === 'EACCES' ? 'needs privileges' : `cannot be used (${e.code ?? e.message})`;
      reject(new UsageError(`--metrics-port: ${o.host}:${o.port} ${why}; choose another port`));
    });
    server.listen(o.port, o.host, () => {
      const a = server.address() as AddressInfo;
      o.io.stderr.write(`rollcheck: metrics at http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics\n`);
      resolve(server);
    });
  });
}
