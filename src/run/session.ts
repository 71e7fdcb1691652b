import { abortableSleep } from '../abortable-sleep.js';
import { availableParallelism } from 'node:os';
import { analyze } from '../analysis/index.js';
import { shouldUseDashboard, startDashboard } from '../dashboard/index.js';
import type { ClusterDriver, DriverContext } from '../cluster/driver.js';
import type { ClusterEvent } from '../results/events.js';
import { createClock, type Clock } from '../results/clock.js';
import { createRecorder, type Recorder } from '../results/recorder.js';
import type { Phase, Results, RunMeta, Thresholds } from '../results/types.js';
import { probe } from '../traffic/probe.js';
import { autoPoolSize, poolWarning } from '../traffic/pool-size.js';
import { capacityWarning, measuresCapacity } from '../traffic/capacity.js';
import { tlsProblem } from '../traffic/front-door.js';
import { frontDoorHint } from '../traffic/who-answered.js';
import { createTrafficRunner, type RunnerOptions, type TrafficRunner } from '../traffic/runner.js';
import type { RunnerFleet } from './runner-fleet.js';
import type { LiveSnapshot, LiveView } from '../results/live.js';
import type { TrafficSettings } from '../traffic/settings.js';
import type { DashboardFinal } from '../dashboard/index.js';
import { UsageError } from '../errors.js';
import { ExitCode, type Io } from '../io.js';
import { createProgressPrinter } from './progress.js';
import { htmlPathFor } from './out-paths.js';
import { createOutputSet, htmlReportOutput, resultsFileOutput, terminalSummaryOutput, type Output } from './outputs/index.js';

/** SessionOptions is one traffic-sending command's run, as every such command describes it. */
export interface SessionOptions {
  io: Io;
  command: string;
  mode: RunMeta['mode'];
  /** params is every flag value, for results meta (never a credential). */
  params: Record<string, unknown>;
  traffic: TrafficSettings;
  /** url is the load target; otherwise the driver's DriverTarget.url. */
  url?: string;
  driver?: (ctx: DriverContext) => ClusterDriver;
  /** plan is what happens after the warm-up; it returns a stop reason. */
  plan: (control: SessionControl) => Promise<string | void>;
  /** outPath is the results JSON path (the HTML report goes next to it). */
  outPath: string;
  thresholds: Thresholds;
  dashboard: boolean;
  /** quiet skips the summary print (demo runs several sessions). */
  quiet?: boolean;
  /** outputs are where the results go besides the results file, the HTML report and the terminal summary (--junit, …). */
  outputs?: Output[];
  /** fleet sends the traffic from N runners instead of this process (`--runners N`). */
  fleet?: (options: RunnerOptions & { emit(e: ClusterEvent): void; signal: AbortSignal }) => RunnerFleet;
  /** finishResults adds to the analysed results before the JSON and the HTML report are written (scenario verdicts). */
  finishResults?: (results: Results) => void;
}

/** SessionControl is what a plan can do while traffic runs. */
export interface SessionControl {
  clock: Clock;
  driver?: ClusterDriver;
  /** signal is aborted on Ctrl-C (or 'q' in the dashboard). */
  signal: AbortSignal;
  setPhase(phase: Phase): void;
  /** sleep resolves true after `ms`, false when aborted early. */
  sleep(ms: number): Promise<boolean>;
  /** sleepUntil resolves true at run-clock time `atMs`, false when aborted early. */
  sleepUntil(atMs: number): Promise<boolean>;
  /** recordingFromMs is when counted traffic began (the end of the warm-up), on the run clock. */
  recordingFromMs: number;
  /** endTrafficAt bounds the schedule: nothing intended at or after `atMs` is sent (exact request counts). */
  endTrafficAt(atMs: number): void;
  note(message: string): void;
  emit(event: ClusterEvent): void;
}

/** SessionResult is the finished run. */
export interface SessionResult {
  results: Results;
  exitCode: number;
  outPath: string;
  reportPath?: string;
}

// Connection-level failures of the pre-flight request: nothing listens there.
const NOTHING_ANSWERS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** runSession runs warm-up, the plan, recording, results writing and the summary, the same for every command. */
export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const reportPath = htmlPathFor(o.outPath);
  // The terminal summary goes last: it lists the files the outputs before it wrote.
  const outputs = createOutputSet([
    resultsFileOutput(o.outPath),
    htmlReportOutput(reportPath),
    ...(o.outputs ?? []),
    terminalSummaryOutput({ quiet: o.quiet }),
  ]);
  outputs.check();
  const clock = createClock();
  // A copy: the run may still change a setting it chose itself (the keep-alive pool).
  const params = { ...o.params };
  const recorder = createRecorder({
    clock,
    command: o.command,
    mode: o.mode,
    target: o.url ?? '',
    params,
    targetRatePerSec: o.traffic.ratePerSec,
    warmupMs: o.traffic.warmupMs,
    sourceKind: o.fleet ? 'runner' : 'worker',
    cores: availableParallelism(),
  });
  const aborter = new AbortController();
  const onInterrupt = (): void => aborter.abort(o.io.interrupt.reason);
  if (o.io.interrupt.aborted) onInterrupt();
  o.io.interrupt.addEventListener('abort', onInterrupt, { once: true });
  const signal = aborter.signal;
  let driver: ClusterDriver | undefined;
  let runner: TrafficRunner | undefined;
  let fleet: RunnerFleet | undefined;
  let stopReason = 'completed';
  let inFlightAtStop: number | undefined;
  let trafficEndMs: number | undefined;
  let live: LiveDisplay = { stop: () => Promise.resolve(), usesScreen: false };
  let finished = false;
  try {
    driver = o.driver?.({ clock, emit: (e) => recorder.event(e) });
    const { url, traffic } = await startTarget(o, driver, recorder, signal);
    // The file says what ran: the pool the run may have grown for itself.
    if (traffic.connections !== o.traffic.connections) params.connections = traffic.connections;
    // With runners, the live view adds one row per runner to the recorder's snapshot.
    const view: LiveView = o.fleet ? { subscribe: (l) => recorder.subscribe(l), snapshot: () => withRunners(recorder.snapshot(), fleet) } : recorder;
    live = startLive(o, view, clock, () => aborter.abort(new Error('quit')));
    await outputs.start(view);
    const started = await startTraffic({ ...o, traffic }, url, clock, recorder, signal, (f) => (fleet = f));
    runner = started.runner;
    const control = makeControl(clock, driver, signal, recorder, started);
    if (o.traffic.warmupMs > 0)
      recorder.note(`first ${o.traffic.warmupMs} ms of traffic were warm-up, not counted`);
    if (await control.sleepUntil(started.recordFromMs)) {
      recorder.setPhase('baseline');
      const reason = await o.plan(control);
      stopReason = signal.aborted ? 'interrupted' : (reason ?? 'completed');
    } else {
      stopReason = 'interrupted';
    }
    recorder.setPhase('stopping');
    // Requests still out when sending stops are awaited up to --timeout, so the books close with none unresolved.
    const drainMs = signal.aborted ? 200 : o.traffic.timeoutMs;
    ({ inFlightAtStop, scheduleEndMs: trafficEndMs } = await runner.stop(drainMs));
    runner = undefined;
    finished = true;
  } finally {
    o.io.interrupt.removeEventListener('abort', onInterrupt);
    // On an error the screen is given back at once; after a normal end the dashboard keeps it for the final frame.
    if (!finished || !live.usesScreen) await live.stop();
    await runner?.stop(0).catch(() => undefined);
    await driver?.stop().catch((e: unknown) => recorder.warn(`driver stop failed: ${String(e)}`));
    if (!finished) await outputs.stop((m) => recorder.warn(m));
  }
  const interrupted = signal.aborted;
  const results = recorder.finish({ stopReason, interrupted, inFlightAtStop, trafficEndMs });
  if (fleet) results.meta.runners = fleet.summaries();
  try {
    results.analysis = analyze(results, o.thresholds);
    o.finishResults?.(results);
    await outputs.finish({ results, resultsPath: o.outPath, io: o.io, screen: live.usesScreen });
  } finally {
    // The dashboard's final frame shows the summary and the paths; stop() restores the terminal either way.
    if (live.usesScreen) await live.stop({ results, resultsPath: o.outPath, reportPath });
    await outputs.stop((m) => o.io.stderr.write(`rollcheck: warning: ${m}\n`));
  }
  const exitCode = interrupted ? ExitCode.interrupted : verdictExitCode(results);
  return { results, exitCode, outPath: o.outPath, reportPath };
}

/** verdictExitCode is 0 pass, 1 verdict failed, 3 inconclusive (the run could not judge the rollout). */
export function verdictExitCode(results: Results): number {
  const v = results.analysis?.verdict;
  if (v === undefined || v.pass) return ExitCode.pass;
  return v.inconclusive !== undefined ? ExitCode.inconclusive : ExitCode.verdictFailed;
}

async function startTarget(
  o: SessionOptions,
  driver: ClusterDriver | undefined,
  recorder: Recorder,
  signal: AbortSignal,
): Promise<{ url: string; traffic: TrafficSettings }> {
  let url = o.url;
  let traffic = o.traffic;
  if (driver) {
    const target = await driver.start(signal);
    url = target.url;
    recorder.setTarget(url, target.facts, target.warnings, target.cluster);
    // An --ingress-tls run's front door is signed by the CA the driver made for the run: trust it.
    if (target.caPem !== undefined) traffic = { ...traffic, tls: { insecure: false, caPem: target.caPem, caPath: target.caPath } };
  }
  if (url === undefined) throw new Error('runSession: neither a url nor a driver was given');
  // Runners in a cluster reach addresses this machine cannot (a ClusterIP): only they can tell.
  if (o.fleet && driver?.traits.runnersInCluster) return { url, traffic };
  const runners = Number(o.params.runners) || 0;
  const p = await probe(url, traffic, { measureCpu: measuresCapacity(traffic, runners) });
  if (!p.answered && NOTHING_ANSWERS.has(p.code)) {
    throw new UsageError(`nothing answers at ${url} (${p.code}); start the server or fix the URL`);
  }
  const sizing = p.answered ? autoPoolSize(traffic, p.latencyMs) : null;
  if (sizing !== null) {
    // Not given and too small for the rate at this latency: grow it, rather than measure the client's own queue.
    traffic = { ...traffic, connections: sizing.connections };
    recorder.note(sizing.note);
    if (!o.quiet) o.io.stderr.write(`rollcheck: ${sizing.note}\n`);
  }
  const cpu = p.answered ? p.cpuUsPerRequest : undefined;
  const capacity = cpu !== undefined ? capacityWarning({ settings: traffic, cpuUsPerRequest: cpu, cores: availableParallelism(), runners }) : null;
  for (const warning of [p.answered ? poolWarning(traffic, p.latencyMs) : null, capacity]) {
    if (warning === null) continue;
    // Said at once, before the traffic starts: the run would otherwise measure the client's own queue or CPU.
    recorder.warn(warning);
    o.io.stderr.write(`rollcheck: warning: ${warning}\n`);
  }
  // A TLS or name error would fail every request the same way: say so once, before any traffic.
  const tls = p.answered ? undefined : tlsProblem(p.code, p.message, url);
  if (tls !== undefined) throw new UsageError(tls);
  const hint = p.answered ? frontDoorHint(p) : undefined;
  if (hint !== undefined) {
    // Behind a proxy a pod's shutdown shows as the proxy's 502/503/504 or not at all (its retries): say so up front.
    const line = `${url} answers through a proxy (${hint}): pod shutdowns show as its 5xx or are hidden by its retries; failures are attributed by the termination windows unless it names the upstream in x-upstream-addr`;
    recorder.note(line);
    if (driver?.traits.userFrontDoor) o.io.stderr.write(`${line}\n`);
  }
  return { url, traffic };
}

async function startTraffic(
  o: SessionOptions,
  url: string,
  clock: Clock,
  recorder: Recorder,
  signal: AbortSignal,
  onFleet: (fleet: RunnerFleet) => void,
): Promise<{ runner: TrafficRunner; recordFromMs: number }> {
  const options: RunnerOptions = { url, settings: o.traffic, clock, sink: (b) => recorder.ingest(b) };
  let runner: TrafficRunner;
  if (o.fleet) {
    const fleet = o.fleet({ ...options, emit: (e) => recorder.event(e), signal });
    onFleet(fleet);
    runner = fleet;
  } else {
    runner = createTrafficRunner(options);
  }
  // The schedule starts when the engines do (workers take a moment); recording begins one warm-up later.
  // Runners that cannot start (a pod that never schedules) are removed before the error reaches the user.
  const { startAtMs, recordFromMs } = await runner.start(o.traffic.warmupMs).catch(async (e: unknown) => {
    await runner.stop(0).catch(() => undefined);
    throw e;
  });
  recorder.setPhase('warmup', startAtMs);
  recorder.markRecording(recordFromMs);
  return { runner, recordFromMs };
}

/** LiveDisplay is what shows the run while it goes: the dashboard, or progress lines. */
interface LiveDisplay {
  usesScreen: boolean;
  stop(final?: DashboardFinal): Promise<void>;
}

function withRunners(s: LiveSnapshot, fleet: RunnerFleet | undefined): LiveSnapshot {
  return fleet ? { ...s, runners: fleet.live() } : s;
}

function startLive(o: SessionOptions, recorder: LiveView, clock: Clock, onQuit: () => void): LiveDisplay {
  if (o.dashboard && shouldUseDashboard(o.io, true)) {
    const title = `rollcheck ${o.command}`;
    const handle = startDashboard({ view: recorder, io: o.io, title, onQuit, thresholds: o.thresholds, clock });
    return { usesScreen: true, stop: (final) => handle.stop(final) };
  }
  if (o.quiet) return { usesScreen: false, stop: () => Promise.resolve() };
  const printer = createProgressPrinter({ live: recorder, out: o.io.stderr });
  return { usesScreen: false, stop: () => Promise.resolve(printer.stop()) };
}

function makeControl(
  clock: Clock,
  driver: ClusterDriver | undefined,
  signal: AbortSignal,
  recorder: Recorder,
  traffic: { runner: TrafficRunner; recordFromMs: number },
): SessionControl {
  return {
    clock,
    ...(driver ? { driver } : {}),
    signal,
    setPhase: (phase) => recorder.setPhase(phase),
    sleep: (ms) => abortableSleep(ms, signal),
    sleepUntil: async (atMs) => {
      // Node's timers may fire a fraction of a millisecond before the high-resolution clock reaches atMs.
      while (clock.nowMs() < atMs) {
        if (!(await abortableSleep(Math.max(1, Math.ceil(atMs - clock.nowMs())), signal))) return false;
      }
      return !signal.aborted;
    },
    recordingFromMs: traffic.recordFromMs,
    endTrafficAt: (atMs) => traffic.runner.endAt(atMs),
    note: (message) => {
      recorder.note(message);
      recorder.event({ kind: 'note', atMs: clock.nowMs(), message });
    },
    emit: (event) => recorder.event(event),
  };
}
