import type { TrafficSettings } from './settings.js';

/**
 * CAPACITY_CHECK_PER_SEC is the rate per worker from which the pre-flight
 * measures the client's CPU: below it one Node thread keeps any schedule
 * (measured here: one core sends 40 000/s and more), and the probe stays short.
 */
export const CAPACITY_CHECK_PER_SEC = 2000;

// Sizing leaves a loop this busy at most, so its timers still fire on time.
const HEADROOM = 0.8;

/**
 * PROBE_OVERHEAD is how much more CPU a request costs the probe's client
 * (undici's request(), a few at a time on one connection) than the engine
 * (the lean dispatch, many connections, batched), measured on one of these
 * machines: 425 µs against 52 µs under load (8.2×); quiet, 518 and 567 µs in the
 * probe while the engine sent 10 000/s on one core at 59 % CPU, 59 µs a request
 * (8.8× and 9.6×). The estimate divides by 8, so it warns only where the rate is
 * clearly past the cores; the run itself then judges the lag it really had.
 */
const PROBE_OVERHEAD = 8;

/** CapacityInput is what the estimate reads: the settings, the cores, the runners and the measured CPU per request. */
export interface CapacityInput {
  settings: TrafficSettings;
  /** cpuUsPerRequest is the client's CPU per request the probe measured (µs). */
  cpuUsPerRequest: number;
  /** cores is how many cores this process may run on. */
  cores: number;
  /** runners is `--runners N` run as local processes on this machine (0: none). */
  runners: number;
}

/** measuresCapacity says whether the pre-flight should measure the client's CPU for this rate. */
export function measuresCapacity(settings: TrafficSettings, runners: number): boolean {
  return settings.ratePerSec / Math.max(1, settings.workers, runners) >= CAPACITY_CHECK_PER_SEC;
}

/**
 * capacityWarning says, before any traffic, when the rate asks more than the
 * generator's cores can send at the CPU per request the probe measured, and
 * how many workers or runners it needs; null when it fits. An estimate (the
 * probe's client does more per request than the engine), made to be said
 * early: the run itself then judges the lag it really had.
 */
export function capacityWarning(i: CapacityInput): string | null {
  if (!(i.cpuUsPerRequest > 0)) return null;
  const perCore = (1_000_000 / i.cpuUsPerRequest) * PROBE_OVERHEAD;
  const senders = Math.max(1, i.runners > 0 ? i.runners : i.settings.workers);
  const usable = Math.min(senders, i.cores);
  const rate = i.settings.ratePerSec;
  if (rate <= perCore * usable * HEADROOM) return null;
  const needed = Math.ceil(rate / (perCore * HEADROOM));
  const flag = i.runners > 0 ? '--runners' : '--workers';
  const measured = `the pre-flight's client took about ${Math.round(i.cpuUsPerRequest)} µs of CPU per request, so the engine sends about ${fmt(perCore * HEADROOM)}/s a core with room for its timers (an estimate)`;
  if (needed <= i.cores) {
    return `--rate ${fmt(rate)} asks more than ${senders === 1 ? 'one core' : `${senders} ${flag.slice(2)}`} can send: ${measured}. Use ${flag} ${needed} (this machine has ${i.cores} cores), or a lower --rate; otherwise the run falls behind its schedule and is inconclusive`;
  }
  return `--rate ${fmt(rate)} asks more than this machine's ${i.cores === 1 ? 'one core' : `${i.cores} cores`} can send (about ${fmt(perCore * HEADROOM * i.cores)}/s): ${measured}. Use a lower --rate, or ${needed} runners on machines of their own (rollcheck run --runners ${needed}); otherwise the run falls behind its schedule and is inconclusive`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
