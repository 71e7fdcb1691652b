import type { Clock } from '../results/clock.js';
import { epochNowMs } from '../results/clock.js';
import type { ClusterEvent } from '../results/events.js';
import type { RunnerLive } from '../results/live.js';
import type { TrafficBatch } from '../results/partial.js';
import { INTERVAL_MS, type RunnerSummary } from '../results/types.js';
import type { EngineStop } from '../traffic/engine.js';
import type { RunnerStart, TrafficRunner } from '../traffic/runner.js';
import { parseRunnerLine, runnerShare, type RunnerRecord, type RunnerSpec } from '../traffic/runner-protocol.js';
import type { TrafficSettings } from '../traffic/settings.js';
import { UsageError } from '../errors.js';
import { live, LIVE_INTERVALS, newRunnerState, race, round, summary, waitFor, type RunnerState } from './runner-state.js';

/** RunnerChannel is one launched runner as the fleet sees it: its output lines and a way to stop it. */
export interface RunnerChannel {
  index: number;
  /** name is the pod (kube) or "pid N" (local). */
  name: string;
  /** lines are the runner's stdout lines; the iterable ends when its output does. */
  lines: AsyncIterable<string>;
  /** start tells a runner launched without a start time when to start (local children, on stdin). */
  start?(atEpochMs: number, warmupMs: number): void;
  /** end bounds a runner's schedule exactly at run-clock `atMs` (local children, on stdin); without it, stop at that time. */
  end?(atMs: number): void;
  /** stop asks the runner to finish and write its final record (SIGTERM, or deleting its pod). */
  stop(): void;
  /** goneReason says why the runner is gone when its output ended early ("pod evicted", "exited 137"). */
  goneReason(): Promise<string | undefined>;
}

/** RunnerLauncher starts N runners somewhere (local processes, a Kubernetes Job) and removes them afterwards. */
export interface RunnerLauncher {
  /** startAtEpochMs is the common start fixed at launch (a Job), or null when the fleet sends it (local). */
  launch(specs: RunnerSpec[], signal: AbortSignal): Promise<RunnerChannel[]>;
  /** waitStarted may fail early (an unschedulable runner) while the fleet waits for the first records. */
  waitProblem?(): Promise<never>;
  /** cleanup removes every runner (deletes the Job and its pods, kills children); idempotent. */
  cleanup(): Promise<void>;
  /** startDelayMs: how far ahead of launch the common start is fixed (null: the fleet sends it once all said hello). */
  readonly startDelayMs: number | null;
  /** clockMethod names how the offset's upper bound is known. */
  readonly clockMethod: string;
}

/** FleetOptions configure a fleet of runners that together send a run's traffic. */
export interface FleetOptions {
  url: string;
  settings: TrafficSettings;
  clock: Clock;
  count: number;
  launcher: RunnerLauncher;
  /** maxRunMs bounds every runner's schedule, in case nobody stops it. */
  maxRunMs: number;
  sink(batch: TrafficBatch): void;
  emit(event: ClusterEvent): void;
  /** helloTimeoutMs bounds the wait for every runner's first record (default 60 s). */
  helloTimeoutMs?: number;
  /** signal (Ctrl-C) ends the wait for the runners to start: the run then stops as interrupted. */
  signal?: AbortSignal;
}

/** RunnerFleet is a TrafficRunner whose traffic comes from N runners, merged; it also describes each runner. */
export interface RunnerFleet extends TrafficRunner {
  summaries(): RunnerSummary[];
  /** live is one row per runner for the dashboard. */
  live(): RunnerLive[];
}

/**
 * createRunnerFleet launches N runners, each with rate/N, and merges what they
 * stream into one run: batches go to the sink as they arrive (the recorder
 * merges HDR histograms exactly), each failure keeps its runner index, and a
 * runner whose output ends without its final record is lost from its last
 * closed interval on — an event, and its summary says so.
 */
export function createRunnerFleet(o: FleetOptions): RunnerFleet {
  const aborter = new AbortController();
  let startAtMs = 0;
  let stopping = false;
  let endAtMs = Infinity;
  const states: RunnerState[] = [];
  for (let i = 0; i < o.count; i += 1) {
    states.push(
      newRunnerState({
        url: o.url,
        settings: runnerShare(o.settings, i, o.count),
        index: i,
        count: o.count,
        epochMs: o.clock.startEpochMs,
        startAtEpochMs: null,
        warmupMs: o.settings.warmupMs,
        offsetMs: (i * 1000) / o.settings.ratePerSec,
        lateStartMs: 60_000,
        maxRunMs: o.maxRunMs,
      }),
    );
  }
  const markLost = (s: RunnerState, reason: string): void => {
    if (s.lost || s.final) return;
    const fromMs = Math.max(startAtMs + o.settings.warmupMs, s.closedBeforeMs);
    s.lost = { fromMs, reason };
    o.emit({
      kind: 'runner-lost',
      atMs: o.clock.nowMs(),
      runner: s.spec.index,
      name: s.channel?.name ?? `runner ${s.spec.index}`,
      reason: `${reason}; its share (${round(s.spec.settings.ratePerSec)}/s) is lost from ${(fromMs / 1000).toFixed(1)} s`,
      ratePerSec: s.spec.settings.ratePerSec,
    });
  };
  const onRecord = (s: RunnerState, r: RunnerRecord): void => {
    s.offsetLowMs = Math.max(s.offsetLowMs, r.at - epochNowMs());
    switch (r.type) {
      case 'hello':
        s.hello = true;
        s.helloAt = r.at;
        return;
      case 'started':
        s.started = true;
        // The start line left the coordinator at sentStartAt and reached the runner at startReceivedAt (its clock).
        if (r.startReceivedAt !== undefined) s.offsetHighMs = Math.min(s.offsetHighMs, r.startReceivedAt - sentStartAt);
        return;
      case 'batch': {
        for (const p of r.batch.partials) {
          s.counts.sent += p.sent.keepalive + p.sent.fresh;
          s.counts.ok += p.donePop.keepalive.ok + p.donePop.fresh.ok;
          s.counts.failed += p.donePop.keepalive.failed + p.donePop.fresh.failed;
          for (const f of p.failures) f.runner = s.spec.index;
          const sent = p.sent.keepalive + p.sent.fresh;
          if (sent > 0) s.sentByInterval.set(p.index, (s.sentByInterval.get(p.index) ?? 0) + sent);
        }
        s.closedBeforeMs = Math.max(s.closedBeforeMs, r.batch.closedBefore * INTERVAL_MS);
        for (const k of s.sentByInterval.keys()) if (k < r.batch.closedBefore - LIVE_INTERVALS) s.sentByInterval.delete(k);
        o.sink({ ...r.batch, source: s.spec.index });
        return;
      }
      case 'final':
        // A runner that finished before it was asked to (its pod deleted under it) sent less than its share.
        if (!stopping && r.scheduleEndMs < endAtMs - 1) {
          s.lost = { fromMs: r.scheduleEndMs, reason: `runner ${s.spec.index} (${s.channel?.name ?? '?'}) stopped early (SIGTERM: pod deleted or evicted?)` };
          o.emit({ kind: 'runner-lost', atMs: o.clock.nowMs(), runner: s.spec.index, name: s.channel?.name ?? '?', reason: s.lost.reason, ratePerSec: s.spec.settings.ratePerSec });
        }
        s.final = r;
        return;
      case 'error':
        markLost(s, `runner ${s.spec.index} (${s.channel?.name ?? '?'}): ${r.message}`);
        return;
    }
  };
  const follow = async (s: RunnerState, ch: RunnerChannel): Promise<void> => {
    try {
      for await (const line of ch.lines) {
        if (line.trim() === '' || line[0] !== '{') continue;
        let record: RunnerRecord;
        try {
          record = parseRunnerLine(line);
        } catch (e) {
          if (/speaks/.test(String(e))) throw e;
          continue;
        }
        onRecord(s, record);
      }
    } catch (e) {
      markLost(s, `runner ${s.spec.index} (${ch.name}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!s.final) {
      const why = (await ch.goneReason().catch(() => undefined)) ?? 'its output ended without a final record';
      markLost(s, `runner ${s.spec.index} (${ch.name}) ${stopping ? 'did not finish' : 'died'}: ${why}`);
    }
  };
  let sentStartAt = 0;

  return {
    sources: o.count,
    async start(warmupMs): Promise<RunnerStart> {
      const delay = o.launcher.startDelayMs;
      const startAtEpochMs = delay === null ? null : epochNowMs() + delay;
      for (const s of states) s.spec = { ...s.spec, startAtEpochMs, warmupMs };
      const launchedAt = epochNowMs();
      const channels = await o.launcher.launch(states.map((s) => s.spec), aborter.signal);
      for (const ch of channels) {
        const s = states[ch.index];
        if (!s) continue;
        s.channel = ch;
        s.done = follow(s, ch);
      }
      const timeoutMs = o.helloTimeoutMs ?? 60_000;
      const problem = o.launcher.waitProblem?.();
      problem?.catch(() => undefined);
      if (startAtEpochMs === null) {
        if (!(await race(waitFor(() => states.every((s) => s.hello || s.lost), timeoutMs, o.signal), problem))) {
          throw new UsageError(`runners: gave up waiting ${Math.round(timeoutMs / 1000)} s for every runner to start; see their logs`);
        }
        sentStartAt = epochNowMs();
        const at = sentStartAt + 300;
        for (const s of states) s.channel?.start?.(at, warmupMs);
        startAtMs = at - o.clock.startEpochMs;
      } else {
        startAtMs = startAtEpochMs - o.clock.startEpochMs;
        // A runner not sending by then never started: its share is lost, the others go on.
        await race(waitFor(() => states.every((s) => s.started || s.lost), (delay ?? 0) + 10_000, o.signal), problem);
        for (const s of states) if (!s.started) markLost(s, `runner ${s.spec.index} (${s.channel?.name ?? '?'}) never started`);
        // A pod's first line comes after the Job was created: only that bounds its clock from above.
        for (const s of states) if (s.helloAt !== undefined) s.offsetHighMs = Math.min(s.offsetHighMs, s.helloAt - launchedAt);
      }
      if (o.signal?.aborted) return { startAtMs, recordFromMs: startAtMs + warmupMs };
      if (states.every((s) => s.lost)) {
        throw new UsageError(`no runner started: ${states[0]?.lost?.reason ?? 'unknown'}; see the runners' logs`);
      }
      for (const s of states) if (!s.hello && !s.lost) markLost(s, `runner ${s.spec.index} never started`);
      return { startAtMs, recordFromMs: startAtMs + warmupMs };
    },
    endAt(atMs) {
      endAtMs = atMs;
      for (const s of states) {
        const ch = s.channel;
        if (ch?.end) ch.end(atMs);
        // A pod hears only "stop" (SIGTERM, its Job deleted): stop it then.
        else if (ch) setTimeout(() => ch.stop(), Math.max(0, atMs - o.clock.nowMs())).unref();
      }
    },
    async stop(drainMs): Promise<EngineStop> {
      stopping = true;
      for (const s of states) s.channel?.stop();
      const all = Promise.all(states.map((s) => s.done));
      const limit = new Promise<void>((r) => setTimeout(r, drainMs + 15_000).unref());
      await Promise.race([all, limit]);
      for (const s of states) if (!s.final) markLost(s, `runner ${s.spec.index} (${s.channel?.name ?? '?'}) did not finish in time`);
      aborter.abort();
      await o.launcher.cleanup();
      const inFlight = states.reduce((a, s) => a + (s.counts.sent - s.counts.ok - s.counts.failed), 0);
      const ends = states.map((s) => s.final?.scheduleEndMs ?? s.lost?.fromMs ?? startAtMs);
      return { inFlightAtStop: inFlight, scheduleEndMs: Math.max(...ends) };
    },
    summaries: () => states.map((s) => summary(s, o.launcher.clockMethod)),
    live: () => states.map(live),
  };
}
