import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { TrafficBatch } from '../results/partial.js';

/**
 * withLoad wraps a source's batch sink so that each batch carries how busy the
 * source's own thread was since the one before: its event-loop utilisation
 * (per thread: a worker measures itself) and its process's CPU. Sampled once a
 * batch (about every 100 ms), never per request. A loop busy all the time
 * cannot keep a schedule, whatever the target does.
 */
export function withLoad(sink: (batch: TrafficBatch) => void): (batch: TrafficBatch) => void {
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let atMs = performance.now();
  return (batch) => {
    const nowMs = performance.now();
    const d = performance.eventLoopUtilization(elu);
    const c = process.cpuUsage(cpu);
    const windowMs = nowMs - atMs;
    elu = performance.eventLoopUtilization();
    cpu = process.cpuUsage();
    atMs = nowMs;
    const cpuPercent = windowMs > 0 ? ((c.user + c.system) / 1000 / windowMs) * 100 : 0;
    sink({
      ...batch,
      load: {
        windowMs: Math.round(windowMs * 10) / 10,
        eventLoopUtilization: Math.round(d.utilization * 1000) / 1000,
        cpuPercent: Math.round(cpuPercent * 10) / 10,
      },
    });
  };
}
