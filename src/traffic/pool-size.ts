import type { TrafficSettings } from './settings.js';

/** POOL_HEADROOM is how much more than the bare need the keep-alive pool should carry (latency varies). */
export const POOL_HEADROOM = 1.5;

/**
 * connectionsNeeded is how many keep-alive connections carry the keep-alive
 * share of the rate at `latencyMs` per request (one request per connection at
 * a time), with POOL_HEADROOM: Little's law, rate × time in the system.
 */
export function connectionsNeeded(settings: TrafficSettings, latencyMs: number): number {
  const keepaliveRate = settings.ratePerSec * (1 - settings.freshPercent / 100);
  return Math.ceil(((keepaliveRate * Math.max(0, latencyMs)) / 1000) * POOL_HEADROOM);
}

/**
 * poolWarning says, before any traffic, when --connections cannot carry the
 * rate at the latency the target just showed (and names a size with
 * POOL_HEADROOM): requests would then queue in
 * the client and the run would measure the generator, not the target.
 */
export function poolWarning(settings: TrafficSettings, latencyMs: number): string | null {
  if (settings.freshPercent >= 100 || !Number.isFinite(latencyMs)) return null;
  const keepaliveRate = settings.ratePerSec * (1 - settings.freshPercent / 100);
  // Warn only when the pool cannot carry the rate even at this latency; recommend it with headroom.
  if ((keepaliveRate * latencyMs) / 1000 <= settings.connections) return null;
  const need = connectionsNeeded(settings, latencyMs);
  const carries = Math.floor((settings.connections * 1000) / Math.max(1, latencyMs));
  return (
    `--connections ${settings.connections} carries about ${carries} req/s at the ${Math.round(latencyMs)} ms the target took to answer, ` +
    `but the keep-alive share of the rate is ${Math.round(keepaliveRate)} req/s: requests will wait for a free connection in the client. ` +
    `Use --connections ${need} or more (or a lower --rate)`
  );
}
