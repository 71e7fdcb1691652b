import { createInterface } from 'node:readline';
import { createClock, epochNowMs } from '../results/clock.js';
import type { TrafficBatch } from '../results/partial.js';
import { createEngine } from './engine.js';
import { encodeRunnerRecord, RUNNER_PROTOCOL, specSettings, type RunnerRecord, type RunnerSpec } from './runner-protocol.js';

/** RunnerIo is what `rollcheck runner` touches: its stdout for records, stdin for the start line, and the stop signal. */
export interface RunnerIo {
  out: { write(s: string): unknown };
  stdin?: NodeJS.ReadableStream;
  /** stop aborts on SIGTERM (pod deletion, the coordinator's stop) or Ctrl-C. */
  stop: AbortSignal;
}

/** RunnerExit is how a runner ended: 0 every request ok, 1 some failed, 2 never started (late or bad start). */
export type RunnerExit = 0 | 1 | 2;

/**
 * runRunner sends one runner's share of the traffic with the same engine as
 * `load`, from the common start, and writes its records as NDJSON until it is
 * stopped (SIGTERM) or reaches `maxRunMs`; the last line is `final`.
 */
export async function runRunner(spec: RunnerSpec, io: RunnerIo): Promise<RunnerExit> {
  const write = (r: RunnerRecord): void => void io.out.write(encodeRunnerRecord(r));
  const settings = specSettings(spec);
  const clock = createClock(spec.epochMs);
  const counted = { sent: 0, ok: 0, failed: 0 };
  const sink = (batch: TrafficBatch): void => {
    for (const p of batch.partials) {
      counted.sent += p.sent.keepalive + p.sent.fresh;
      counted.ok += p.donePop.keepalive.ok + p.donePop.fresh.ok;
      counted.failed += p.donePop.keepalive.failed + p.donePop.fresh.failed;
    }
    write({ type: 'batch', at: epochNowMs(), batch });
  };
  const engine = createEngine({
    url: spec.url,
    settings,
    clock,
    ratePerSec: settings.ratePerSec,
    offsetMs: spec.offsetMs,
    source: spec.index,
    wire: true,
    sink,
  });
  write({ type: 'hello', protocol: RUNNER_PROTOCOL, at: epochNowMs(), index: spec.index, ratePerSec: settings.ratePerSec });
  const start = await startTime(spec, io);
  if (start === null) return 2;
  const startAtMs = start.atEpochMs - spec.epochMs;
  const lateMs = clock.nowMs() - startAtMs;
  if (lateMs > Math.min(spec.lateStartMs, start.warmupMs)) {
    write({ type: 'error', at: epochNowMs(), message: `ready ${Math.round(lateMs)} ms after the common start: not starting (share lost)` });
    return 2;
  }
  const recordFromMs = startAtMs + start.warmupMs;
  // Late but within the warm-up: start now, on the same recording start, rather than burst to catch up.
  engine.start(Math.max(startAtMs, clock.nowMs()), recordFromMs);
  engine.endAt(recordFromMs + spec.maxRunMs);
  write({ type: 'started', at: epochNowMs(), startAtMs, recordFromMs, ...(start.receivedAt === undefined ? {} : { startReceivedAt: start.receivedAt }) });
  // A local child whose coordinator went away sees its stdin end: it stops rather than send forever.
  const stop = spec.startAtEpochMs === null && io.stdin ? anyOf(io.stop, stdinEnded(io.stdin)) : io.stop;
  await untilStopped(stop, startAtMs + start.warmupMs + spec.maxRunMs - clock.nowMs());
  engine.endAt(clock.nowMs());
  const stopped = await engine.stop(Math.min(settings.timeoutMs, 2000));
  write({ type: 'final', at: epochNowMs(), inFlightAtStop: stopped.inFlightAtStop, scheduleEndMs: stopped.scheduleEndMs, totals: counted });
  return counted.failed > 0 ? 1 : 0;
}

interface StartTime {
  atEpochMs: number;
  warmupMs: number;
  /** receivedAt is when the start line arrived (runner clock): with its send time, it bounds the clock offset. */
  receivedAt?: number;
}

// A runner started from a Job knows the start up front; a local child reads "start <epochMs> <warmupMs>" on stdin.
async function startTime(spec: RunnerSpec, io: RunnerIo): Promise<StartTime | null> {
  if (spec.startAtEpochMs !== null) return { atEpochMs: spec.startAtEpochMs, warmupMs: spec.warmupMs };
  if (!io.stdin) return null;
  const lines = createInterface({ input: io.stdin });
  try {
    for await (const line of lines) {
      const m = /^start (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
      if (m) return { atEpochMs: Number(m[1]), warmupMs: Number(m[2]), receivedAt: epochNowMs() };
    }
    return null;
  } finally {
    lines.close();
  }
}

function untilStopped(stop: AbortSignal, maxMs: number): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, maxMs));
    stop.addEventListener('abort', done, { once: true });
  });
}

function stdinEnded(stdin: NodeJS.ReadableStream): AbortSignal {
  const ended = new AbortController();
  stdin.once('end', () => ended.abort());
  stdin.once('close', () => ended.abort());
  stdin.resume();
  return ended.signal;
}

function anyOf(a: AbortSignal, b: AbortSignal): AbortSignal {
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort();
    else s.addEventListener('abort', () => both.abort(), { once: true });
  }
  return both.signal;
}
