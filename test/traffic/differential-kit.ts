// The differential harness: one hostile server case run with both HTTP/1.1
// clients (undici, the reference, and lean), every request's fate compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Results } from '../../src/results/types.js';
import type { TrafficSettings } from '../../src/traffic/settings.js';
import { failedOf, runTraffic, settingsFor } from './harness.js';
import { startRawServer, type RawRequest, type RawServer, type RawTls } from './raw-server.js';

/** CLIENTS are the two HTTP/1.1 clients compared, the reference first. */
export const CLIENTS = ['undici', 'lean'] as const;
/** ClientName is one of CLIENTS. */
export type ClientName = (typeof CLIENTS)[number];

/** Case is one hostile server and what both clients must see from it. */
export interface Case {
  name: string;
  /** behaviour answers one request; `seen` is this run's own list (one per client run) for what the case wants to note. */
  behaviour: (req: RawRequest, seen: string[]) => void;
  settings?: Partial<TrafficSettings>;
  /** tls makes the server speak HTTPS with this key and certificate. */
  tls?: () => RawTls;
  /** target gives the URL and settings that depend on the server (its port): --resolve, a name. */
  target?: (server: RawServer) => { url: string; settings?: Partial<TrafficSettings> };
  skip?: string | false;
  durationMs?: number;
  /** expect checks one run (each client's) against what the server did: the requests it read, and what its behaviour noted. */
  expect(r: Results, requests: number, seen: string[]): void;
}

/** Outcome is what must match between the clients, request by request. */
function outcomes(r: Results): string[] {
  return [...r.failures]
    .sort((a, b) => a.intendedAtMs - b.intendedAtMs)
    .map(
      (f) =>
        `${f.kind} ${f.errorCode ?? '-'} status ${f.status ?? '-'} ${f.reused ? 'reused' : 'new'} ${f.population} pod ${f.pod ?? '-'}` +
        ` ${f.method ?? '-'} by ${f.answeredBy ?? '-'} server ${f.server ?? '-'} via ${f.via ?? '-'} upstream ${f.upstream ?? '-'}`,
    );
}

/** summary is what must match between the clients for one run. */
export function summary(r: Results): Record<string, unknown> {
  const t = r.totals;
  return {
    sent: t.sent,
    ok: t.ok,
    inFlightAtStop: t.inFlightAtStop,
    failed: failedOf(r),
    okByPod: Object.fromEntries(
      Object.entries(
        r.intervals.reduce<Record<string, number>>((acc, i) => {
          for (const [pod, n] of Object.entries(i.okByPod)) acc[pod] = (acc[pod] ?? 0) + n;
          return acc;
        }, {}),
      ).sort(),
    ),
    reusedCompleted: t.byConn.reused.completed,
    byMethod: t.byMethod,
    savedByRetry: t.savedByRetry,
    retried: (r.retried ?? []).map((x) => `${x.method} ${x.upstream} ${x.status} ${x.population}`),
    failures: outcomes(r),
  };
}

/** runWith runs case `c` against a fresh raw server with `client`; it returns the results, the requests the server read and what its behaviour noted. */
export async function runWith(c: Case, client: ClientName): Promise<[Results, number, string[]]> {
  const seen: string[] = [];
  const server = await startRawServer((req) => c.behaviour(req, seen), c.tls?.());
  try {
    const target = c.target?.(server);
    const settings = settingsFor({ ratePerSec: 20, connections: 1, ...c.settings, ...target?.settings, client });
    const r = await runTraffic(target?.url ?? server.url, settings, {
      durationMs: c.durationMs ?? 600,
      drainMs: 3000,
    });
    return [r, server.requests, seen];
  } finally {
    await server.close();
  }
}

/**
 * differential is a test: case `c` with both clients, every request accounted, the same outcome for each.
 * The two runs go at once, each with its own server and connection (a slow rate, so each request's fate
 * hangs on its number, not on timing): the file spends half the time it did one after the other.
 */
export function differential(c: Case): void {
  test(`differential: ${c.name}`, { skip: c.skip ?? false }, async () => {
    const runs = await Promise.all(CLIENTS.map((client) => runWith(c, client)));
    const got: Partial<Record<ClientName, Record<string, unknown>>> = {};
    CLIENTS.forEach((client, i) => {
      const [r, requests, seen] = runs[i] as [Results, number, string[]];
      const t = r.totals;
      assert.equal(
        t.sent,
        t.ok + t.failed + t.inFlightAtStop,
        `${client}: every request accounted`,
      );
      c.expect(r, requests, seen);
      got[client] = summary(r);
    });
    assert.deepEqual(got.lean, got.undici, 'lean and undici: the same outcome for every request');
  });
}

/** every3 picks every 3rd request, the cases' usual victims. */
export const every3 = (n: number): boolean => n % 3 === 0;
