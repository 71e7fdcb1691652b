import type { TrafficSettings } from './settings.js';

/** POOL_HEADROOM is how much more than the bare need the keep-alive pool should carry (latency varies). */
export const POOL_HEADROOM = 1.5;

/** keepaliveRate is the share of the rate the keep-alive pool carries (the rest goes on fresh connections). */
function keepaliveRate(settings: TrafficSettings): number {
  return settings.ratePerSec * (1 - settings.freshPercent / 100);
}

/**
 * connectionsNeeded is how many keep-alive connections carry the keep-alive
 * share of the rate at `latencyMs` per request (one request per connection at
 * a time), with POOL_HEADROOM: Little's law, rate × time in the system.
 */
export function connectionsNeeded(settings: TrafficSettings, latencyMs: number): number {
  return Math.ceil(((keepaliveRate(settings) * Math.max(0, latencyMs)) / 1000) * POOL_HEADROOM);
}

/** MAX_AUTO_CONNECTIONS bounds the pool the run grows by itself; beyond it the user chooses (--connections). */
export const MAX_AUTO_CONNECTIONS = 1000;

/** PoolSizing is the keep-alive pool the run chose, and the line that says why. */
export interface PoolSizing {
  connections: number;
  note: string;
}

/**
 * autoPoolSize grows the keep-alive pool when --connections was not given and
 * the default cannot carry the keep-alive share of the rate at the latency the
 * target just showed (with POOL_HEADROOM), up to MAX_AUTO_CONNECTIONS. Null
 * when the pool was given, is big enough, or nothing was measured.
 */
export function autoPoolSize(settings: TrafficSettings, latencyMs: number): PoolSizing | null {
  if (settings.connectionsAuto !== true || settings.freshPercent >= 100 || !Number.isFinite(latencyMs)) return null;
  const need = connectionsNeeded(settings, latencyMs);
  if (need <= settings.connections) return null;
  const connections = Math.min(need, MAX_AUTO_CONNECTIONS);
  const rate = Math.round(keepaliveRate(settings));
  return {
    connections,
    note:
      `keep-alive pool: ${connections} connections instead of ${settings.connections}, for ${rate} req/s at the ${Math.round(latencyMs)} ms ` +
      `the target took to answer before the traffic started (with ${POOL_HEADROOM}× headroom); --connections sets it`,
  };
}

/**
 * poolWarning says, before any traffic, when --connections cannot carry the
 * rate at the latency the target just showed (and names a size with
 * POOL_HEADROOM): requests would then queue in
 * the client and the run would measure the generator, not the target.
 */
export function poolWarning(settings: TrafficSettings, latencyMs: number): string | null {
  if (settings.freshPercent >= 100 || !Number.isFinite(latencyMs)) return null;
  const rate = keepaliveRate(settings);
  // Warn only when the pool cannot carry the rate even at this latency; recommend it with headroom.
  if ((rate * latencyMs) / 1000 <= settings.connections) return null;
  const need = connectionsNeeded(settings, latencyMs);
  const carries = Math.floor((settings.connections * 1000) / Math.max(1, latencyMs));
  return (
    `--connections ${settings.connections} carries about ${carries} req/s at the ${Math.round(latencyMs)} ms the target took to answer, ` +
    `but the keep-alive share of the rate is ${Math.round(rate)} req/s: requests will wait for a free connection in the client. ` +
    `Use --connections ${need} or more (or a lower --rate)`
  );
}
