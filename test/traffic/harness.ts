// Test harness for the traffic engine: misbehaving local servers and a
// function that runs real traffic into a real recorder and returns the Results.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createClock, type Clock } from '../../src/results/clock.js';
import { createRecorder, type Recorder } from '../../src/results/recorder.js';
import type { Results } from '../../src/results/types.js';
import { createTrafficRunner } from '../../src/traffic/runner.js';
import type { TrafficSettings } from '../../src/traffic/settings.js';

/** settingsFor is test traffic settings with sane small defaults. */
export function settingsFor(overrides: Partial<TrafficSettings> = {}): TrafficSettings {
  return {
    ratePerSec: 100,
    durationMs: 1000,
    warmupMs: 0,
    connections: 10,
    keepAlive: true,
    freshPercent: 0,
    method: 'GET',
    headers: [],
    timeoutMs: 5000,
    maxInFlight: 10_000,
    podHeader: 'x-pod-name',
    workers: 1,
    protocol: 'http1',
    ...overrides,
  };
}

/** TestServer is a local server with counters of what it did. */
export interface TestServer {
  url: string;
  port: number;
  counts: { requests: number; answered: number; destroyed: number; status: Record<number, number> };
  close(): Promise<void>;
}

/** ServerBehaviour decides what happens to request number n (1-based). */
export type ServerBehaviour = (
  n: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  counts: TestServer['counts'],
) => void;

/** answer replies with `status` and names the pod. */
export function answer(
  res: http.ServerResponse,
  counts: TestServer['counts'],
  status = 200,
  pod = 'pod-a',
): void {
  res.setHeader('x-pod-name', pod);
  res.statusCode = status;
  res.end('ok', () => {
    counts.answered += 1;
    counts.status[status] = (counts.status[status] ?? 0) + 1;
  });
}

/** startServer starts an HTTP server on 127.0.0.1, port 0, that behaves as told. */
export async function startServer(behaviour: ServerBehaviour): Promise<TestServer> {
  const counts: TestServer['counts'] = { requests: 0, answered: 0, destroyed: 0, status: {} };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    counts.requests += 1;
    behaviour(counts.requests, req, res, counts);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** freePort finds a port on 127.0.0.1 that nothing listens on (now). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** RunOptions say how long to send and what to do meanwhile. */
export interface RunOptions {
  durationMs: number;
  warmupMs?: number;
  drainMs?: number;
  during?: (clock: Clock) => Promise<void>;
}

/** testRecorder is a recorder for a test's traffic to `url`. */
export function testRecorder(clock: Clock, url: string, settings: TrafficSettings, warmupMs = 0): Recorder {
  return createRecorder({
    clock,
    command: 'test',
    mode: 'load',
    target: url,
    params: {},
    targetRatePerSec: settings.ratePerSec,
    warmupMs,
    tickMs: 0,
  });
}

/** runTraffic sends real traffic through the runner into a recorder and returns the finished Results. */
export async function runTraffic(
  url: string,
  settings: TrafficSettings,
  o: RunOptions,
): Promise<Results> {
  const clock = createClock();
  const warmupMs = o.warmupMs ?? 0;
  const recorder = testRecorder(clock, url, settings, warmupMs);
  const runner = createTrafficRunner({ url, settings, clock, sink: (b) => recorder.ingest(b) });
  const { recordFromMs } = await runner.start(warmupMs);
  recorder.markRecording(recordFromMs);
  runner.endAt(recordFromMs + o.durationMs);
  const during = o.during?.(clock) ?? Promise.resolve();
  await new Promise((r) => setTimeout(r, Math.max(0, recordFromMs + o.durationMs - clock.nowMs())));
  await during;
  const stop = await runner.stop(o.drainMs ?? 6000);
  return recorder.finish({
    stopReason: 'completed',
    interrupted: false,
    inFlightAtStop: stop.inFlightAtStop,
    trafficEndMs: stop.scheduleEndMs,
  });
}

/** failedOf counts a results file's failures by kind. */
export function failedOf(r: Results): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of r.failures) out[f.kind] = (out[f.kind] ?? 0) + 1;
  return out;
}
