import { createInterface } from 'node:readline';
import { createClock, epochNowMs } from '../results/clock.js';
import type { TrafficBatch } from '../results/partial.js';
import { createEngine } from './engine.js';
import { withLoad } from './loop-load.js';
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
    sink: withLoad(sink),
  });
  write({ type: 'hello', protocol: RUNNER_PROTOCOL, at: epochNowMs(), index: spec.index, ratePerSec: settings.ratePerSec });
  // A local child is told its start (and its end, when the run has one) on stdin; a Job's pod knows its start.
  const control = spec.startAtEpochMs === null && io.stdin ? stdinControl(io.stdin) : null;
  const start: StartTime | null = control ? await control.start : { atEpochMs: spec.startAtEpochMs ?? 0, warmupMs: spec.warmupMs };
  if (start === null) return 2;
  const startAtMs = start.atEpochMs - spec.epochMs;
  const lateMs = clock.nowMs() - startAtMs;
  if (lateMs > Math.min(spec.lateStartMs, start.warmupMs)) {
    write({ type: 'error', at: epochNowMs(), message: `ready ${Math.round(lateMs)} ms after the common start: not starting (share lost)` });
    control?.close();
    return 2;
  }
  const recordFromMs = startAtMs + start.warmupMs;
  // Late but within the warm-up: start now, on the same recording start, rather than burst to catch up.
  engine.start(Math.max(startAtMs, clock.nowMs()), recordFromMs);
  engine.endAt(recordFromMs + spec.maxRunMs);
  write({ type: 'started', at: epochNowMs(), startAtMs, recordFromMs, ...(start.receivedAt === undefined ? {} : { startReceivedAt: start.receivedAt }) });
  const ended = new AbortController();
  control?.onEnd((atMs) => {
    engine.endAt(atMs);
    setTimeout(() => ended.abort(), Math.max(0, atMs - clock.nowMs()));
  });
  // A local child whose coordinator went away sees its stdin end: it stops rather than send forever.
  const stop = anyOf(io.stop, ended.signal, ...(control ? [control.ended] : []));
  await untilStopped(stop, startAtMs + start.warmupMs + spec.maxRunMs - clock.nowMs());
  control?.close();
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

interface StdinControl {
  start: Promise<StartTime | null>;
  /** ended aborts when stdin closes (the coordinator is gone). */
  ended: AbortSignal;
  onEnd(f: (atMs: number) => void): void;
  close(): void;
}

// Lines on stdin: "start <epochMs> <warmupMs>" once, then optionally "end <runClockMs>".
function stdinControl(stdin: NodeJS.ReadableStream): StdinControl {
  const lines = createInterface({ input: stdin });
  let startWith: (s: StartTime | null) => void = () => undefined;
  const start = new Promise<StartTime | null>((r) => (startWith = r));
  const ended = new AbortController();
  let onEnd: (atMs: number) => void = () => undefined;
  lines.on('line', (line) => {
    const s = /^start (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
    if (s) startWith({ atEpochMs: Number(s[1]), warmupMs: Number(s[2]), receivedAt: epochNowMs() });
    const e = /^end (-?\d+(?:\.\d+)?)$/.exec(line.trim());
    if (e) onEnd(Number(e[1]));
  });
  lines.on('close', () => {
    startWith(null);
    ended.abort();
  });
  return { start, ended: ended.signal, onEnd: (f) => void (onEnd = f), close: () => lines.close() };
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

function anyOf(...signals: AbortSignal[]): AbortSignal {
  const both = new AbortController();
  for (const s of signals) {
    if (s.aborted) both.abort();
    else s.addEventListener('abort', () => both.abort(), { once: true });
  }
  return both.signal;
}
