import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import type { Io } from '../../io.js';
import { ExitCode } from '../../io.js';
import { UsageError } from '../../errors.js';
import { parseDurationMs } from '../../parse.js';
import { runSession } from '../../run/session.js';
import { rolloutPlan } from '../../run/rollout-plan.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { regressionsOf } from '../../analysis/regression.js';
import type { Output } from '../../run/outputs/index.js';
import { readThresholds } from '../../results/thresholds.js';
import { readLocalRuntimeSettings } from '../local-flags.js';
import { htmlPathFor, writeHtml } from '../../run/out-paths.js';
import { DEMO_VARIANTS, fixFor, judgeVariant, lessonFor, pickVariants, type DemoVariant } from '../demo-variants.js';
import { H2_DEMO_VARIANTS } from '../demo-ladder-h2.js';
import { addTrafficOptions } from '../traffic-flags.js';
import { addIngressOptions, readIngressSettings } from '../ingress-flags.js';
import { frontDoorLine } from '../demo-front-door.js';
import type { IngressSettings } from '../../cluster/local/ingress.js';
import { readTrafficSettings, trafficParams, type TrafficSettings } from '../../traffic/settings.js';
import { localRuntimeParams } from '../../cluster/local/index.js';
import { prepareDriver } from '../../cluster/registry.js';
import type { Results, Thresholds } from '../../results/types.js';
import { formatCompareTable, renderCompareReport } from '../../report/index.js';
import { createTextStyle, wrapText } from '../../report/text-style.js';

const HELP = `
Runs the bundled demo app on the embedded runtime (real processes, each PID 1
of its own PID namespace, behind a Service proxy; no cluster) as a ladder of
variants, each fixing one more shutdown mistake, and rolls each one:
  shell    entrypoint-shell.sh: sh is PID 1, SIGTERM never reaches the app   → sigterm-ignored
  exec     exec entrypoint, no preStop: stops accepting while still routed  → no-prestop-drain
  prestop  exec + preStop sleep, app closes connections at once (DEMO_DRAIN=0) → keepalive-reset
  drain    exec + preStop sleep + draining app                               → zero failures, PASS
With --protocol grpc (or h2c) the app speaks gRPC (HTTP/2) and the ladder is:
  abrupt   exec, no preStop, connections closed at SIGTERM with no GOAWAY   → no-graceful-stop
  graceful exec, no preStop, graceful stop (GOAWAY)                         → no-prestop-drain / goaway-race
  prestop  exec + preStop sleep + graceful stop                             → PASS
  pinned   3 replicas, 10 long-lived connections, no max connection age     → connection-pinning
  max-age  the same with DEMO_MAX_CONNECTION_AGE=1s                         → PASS, no pinning
(An HTTP/2 or gRPC verdict leaves out the streams a GOAWAY refused unprocessed, which a
standard client retries unseen: shown and counted apart; --strict-streams counts them.)
Each run's results and report, and one compare report, go to
reports/<timestamp>-demo/. Exit 0 when every variant showed its lesson, 1 when not, 3 when a
variant that missed it could not be judged (its verdict inconclusive: the generator fell behind).

Examples:
  $ rollcheck demo
  $ rollcheck demo --variants shell,exec --no-dashboard
  $ rollcheck demo --rate 200 --replicas 3 --grace-period 4s
  $ rollcheck demo --ingress nginx      # through a real nginx with ingress-nginx's defaults, GET=50,POST=50
  $ rollcheck demo --protocol grpc      # the gRPC ladder: graceful stop, GOAWAY race, connection pinning

With --ingress the preStop sleep defaults to endpoint + ingress delay + 500 ms and each
rung also says what GETs saw, what POSTs saw and what the proxy's retries hid.`;

/** registerDemo adds `rollcheck demo`: the classic shutdown mistakes, one command, no cluster. */
export function registerDemo(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('demo')
    .description('show the classic rollout mistakes (shell PID 1, no preStop, no drain) and their fixes, no cluster needed')
    .option('--variants <list>', `which rungs to run, comma-separated (${DEMO_VARIANTS.map((v) => v.name).join(',')}; with --protocol grpc|h2c: ${H2_DEMO_VARIANTS.map((v) => v.name).join(',')})`)
    .option('--replicas <n>', 'pods of the demo Deployment', '2')
    .option('--grace-period <time>', 'terminationGracePeriodSeconds (preStop included)', '3s')
    .option('--endpoint-delay <time>', 'how long endpoint changes take to reach the Service proxy', '1s')
    .option('--prestop-sleep <time>', 'the preStop sleep of the variants that have one (longer than --endpoint-delay)', '1500ms')
    .option('--baseline <time>', 'recorded traffic before each rollout', '1s')
    .option('--cooldown <time>', 'recorded traffic after each rollout', '1s')
    .option('--out-dir <dir>', 'where the results and reports go (default: reports/<timestamp>-demo)');
  addTrafficOptions(cmd, { freshPercent: 20 });
  addIngressOptions(cmd);
  // Each rung lasts as long as its rollout: a duration means nothing here.
  cmd.options.find((o) => o.long === '--duration')?.hideHelp();
  const warmup = cmd.options.find((o) => o.long === '--warmup');
  if (warmup) warmup.defaultValue = '1s';
  addOutputOptions(addThresholdOptions(cmd))
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard')
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>, command: Command) => {
      ctx.setExit(await runDemo(ctx.io, h2Defaults(ingressDefaults(opts, command), command)));
    });
}

/**
 * ingressDefaults: behind an ingress a pod must keep serving until the ingress,
 * not only the Service, has dropped it, so the preStop variants sleep past both
 * delays (unless --prestop-sleep / --grace-period were given).
 */
function ingressDefaults(opts: Record<string, unknown>, command: Command): Record<string, unknown> {
  if (opts.ingress === undefined) return opts;
  const out = { ...opts };
  const endpointMs = parseDurationMs(String(opts.endpointDelay ?? '1s'), '--endpoint-delay');
  const ingressMs = parseDurationMs(String(opts.ingressDelay ?? '1s'), '--ingress-delay');
  if (command.getOptionValueSource('prestopSleep') === 'default') out.prestopSleep = `${endpointMs + ingressMs + 500}ms`;
  const preStopMs = parseDurationMs(String(out.prestopSleep), '--prestop-sleep');
  if (command.getOptionValueSource('gracePeriod') === 'default') out.gracePeriod = `${Math.max(3000, preStopMs + 2000)}ms`;
  return out;
}

/** h2Defaults: a gRPC client keeps its connections, so the HTTP/2 ladder opens no per-request connections unless told to. */
function h2Defaults(opts: Record<string, unknown>, command: Command): Record<string, unknown> {
  const h2 = opts.protocol === 'grpc' || opts.protocol === 'h2c';
  const out: Record<string, unknown> = h2 && command.getOptionValueSource('freshConnections') === 'default' ? { ...opts, freshConnections: '0' } : { ...opts };
  // The demo's own method takes DEMO_LATENCY_MS (50 ms), as an API call does: calls are in flight when a pod stops.
  if (opts.protocol === 'grpc' && opts.grpcMethod === undefined) out.grpcMethod = 'rollcheck.demo.Demo/Work';
  return out;
}

interface DemoPlan {
  variants: DemoVariant[];
  traffic: TrafficSettings;
  thresholds: Thresholds;
  dir: string;
  baselineMs: number;
  cooldownMs: number;
  ingress?: IngressSettings;
}

function readPlan(io: Io, opts: Record<string, unknown>): DemoPlan {
  const protocol = typeof opts.protocol === 'string' ? opts.protocol : undefined;
  const variants = pickVariants(typeof opts.variants === 'string' ? opts.variants : undefined, protocol);
  if (typeof variants === 'string') throw new UsageError(variants);
  const graceMs = parseDurationMs(String(opts.gracePeriod ?? '3s'), '--grace-period');
  const preStopMs = parseDurationMs(String(opts.prestopSleep ?? '1500ms'), '--prestop-sleep');
  const endpointMs = parseDurationMs(String(opts.endpointDelay ?? '1s'), '--endpoint-delay');
  if (preStopMs <= endpointMs && variants.some((v) => v.preStop)) {
    throw new UsageError(`--prestop-sleep (${preStopMs} ms) must be longer than --endpoint-delay (${endpointMs} ms), or the preStop variants cannot show their fix`);
  }
  if (graceMs <= preStopMs && variants.some((v) => v.preStop)) {
    throw new UsageError(`--grace-period (${graceMs} ms) must be longer than --prestop-sleep (${preStopMs} ms): the grace period covers the preStop hook and the drain`);
  }
  const ingress = readIngressSettings(opts);
  // Through a proxy, retries hide failures of idempotent requests only: send both kinds unless told otherwise.
  const trafficOpts = ingress && opts.mix === undefined && protocol !== 'grpc' ? { ...opts, mix: 'GET=50,POST=50' } : opts;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const dir = typeof opts.outDir === 'string' ? resolve(io.cwd, opts.outDir) : join(io.cwd, 'reports', `${stamp}-demo`);
  mkdirSync(dir, { recursive: true });
  return {
    variants,
    traffic: readTrafficSettings(trafficOpts, io.cwd),
    thresholds: readThresholds(opts),
    dir,
    baselineMs: parseDurationMs(String(opts.baseline ?? '1s'), '--baseline'),
    cooldownMs: parseDurationMs(String(opts.cooldown ?? '1s'), '--cooldown'),
    ...(ingress ? { ingress } : {}),
  };
}

async function runDemo(io: Io, opts: Record<string, unknown>): Promise<number> {
  const plan = readPlan(io, opts);
  // One set for every rung: the JUnit file and the Markdown keep each rung's run, the annotations follow each.
  const outputs = readOutputs(opts, io);
  const st = createTextStyle(io.stdout.isTTY === true && io.env.NO_COLOR === undefined);
  const width = io.stdout.isTTY === true ? Math.max(60, io.stdout.columns ?? 100) : 100;
  io.stdout.write(
    st.bold(`rollcheck demo: ${plan.variants.length} variants of the demo app, rolled on the embedded runtime`) +
      ` (${String(opts.replicas ?? '2')} pods, grace ${String(opts.gracePeriod ?? '3s')}, endpoint delay ${String(opts.endpointDelay ?? '1s')}, ${plan.traffic.ratePerSec} req/s, ${plan.traffic.freshPercent}% on new connections` +
      `${plan.ingress ? `, through a real ${plan.ingress.kind} ingress (delay ${plan.ingress.delayMs} ms), ${plan.traffic.mix?.map((m) => `${m.method}=${m.weight}`).join(',') ?? ''}` : ''})\n\n`,
  );
  const runs: Results[] = [];
  let allOk = true;
  // A rung that missed its lesson while its verdict was inconclusive (the generator fell behind, the baseline failed) says nothing of the lesson.
  let unsure = false;
  let regressed = false;
  for (const [i, v] of plan.variants.entries()) {
    io.stdout.write(st.bold(`[${i + 1}/${plan.variants.length}] ${v.name}`) + `  ${v.title}\n`);
    const results = await runVariant(io, opts, plan, v, i, outputs);
    runs.push(results);
    if (results.meta.interrupted) {
      io.stdout.write('interrupted: stopping the demo\n');
      break;
    }
    const outcome = judgeVariant(v, results);
    if (!outcome.ok && results.analysis?.verdict.inconclusive !== undefined) unsure = true;
    else allOk &&= outcome.ok;
    io.stdout.write(`      ${outcome.ok ? st.green('✓') : st.red('✗')} ${outcome.headline}\n`);
    // With --baseline-results a rung that regressed fails the demo too.
    const regressions = regressionsOf(results.analysis?.verdict);
    regressed ||= regressions.length > 0;
    for (const r of regressions) io.stdout.write(`      ${st.red('✗')} ${r}\n`);
    if (plan.ingress) io.stdout.write(`      ${frontDoorLine(results)}\n`);
    for (const line of wrapText(lessonFor(v, plan.ingress?.kind), width, '      lesson: ', '              ')) io.stdout.write(line + '\n');
    for (const line of wrapText(fixFor(v), width, '      fix:    ', '              ')) io.stdout.write(line + '\n');
    io.stdout.write(st.dim(`      report: ${htmlPathFor(variantPath(plan, v, i))}`) + '\n\n');
  }
  const comparePath = join(plan.dir, 'compare.html');
  if (runs.length > 0) {
    const labels = runs.map((_, i) => plan.variants[i]?.name ?? `#${i + 1}`);
    writeHtml(comparePath, renderCompareReport(runs, { labels }));
    io.stdout.write(formatCompareTable(runs, { labels, color: io.stdout.isTTY === true && io.env.NO_COLOR === undefined }) + '\n');
    io.stdout.write(`compare report: ${comparePath}\nresults: ${plan.dir}\n`);
  }
  if (runs.some((r) => r.meta.interrupted)) return ExitCode.interrupted;
  if (!allOk) io.stdout.write(st.red('some variant did not show its lesson (exit 1): see its report\n'));
  else if (regressed) io.stdout.write(st.red('every variant showed its lesson, but some regressed against --baseline-results (exit 1)\n'));
  else if (unsure) io.stdout.write(st.yellow('some variant could not be judged: its verdict is inconclusive (see its line; exit 3): run the demo on a quieter machine or with a lower --rate\n'));
  else io.stdout.write(st.green('every variant showed its lesson (exit 0)\n'));
  if (!allOk || regressed) return ExitCode.verdictFailed;
  return unsure ? ExitCode.inconclusive : ExitCode.pass;
}

function variantPath(plan: DemoPlan, v: DemoVariant, index: number): string {
  return join(plan.dir, `${index + 1}-${v.name}.json`);
}

async function runVariant(io: Io, opts: Record<string, unknown>, plan: DemoPlan, v: DemoVariant, index: number, outputs: Output[]): Promise<Results> {
  const outPath = variantPath(plan, v, index);
  const settings = readLocalRuntimeSettings(
    {
      app: 'demo',
      entrypoint: v.entrypoint,
      replicas: v.replicas !== undefined ? String(v.replicas) : (opts.replicas ?? '2'),
      gracePeriod: opts.gracePeriod ?? '3s',
      endpointDelay: opts.endpointDelay ?? '1s',
      readinessPeriod: '500ms',
      env: [...(v.drain ? [] : ['DEMO_DRAIN=0']), ...(v.env ?? [])],
      ...(typeof opts.protocol === 'string' ? { protocol: opts.protocol } : {}),
      ...(v.maxUnavailable !== undefined ? { maxSurge: '0', maxUnavailable: String(v.maxUnavailable) } : {}),
      ...(v.preStop ? { prestopSleep: opts.prestopSleep ?? '1500ms' } : {}),
    },
    outPath.replace(/\.json$/, '.pods'),
  );
  if (plan.ingress) settings.ingress = plan.ingress;
  const times = { baselineMs: plan.baselineMs, cooldownMs: Math.max(plan.cooldownMs, v.cooldownMs ?? 0), rolloutTimeoutMs: 120_000 };
  const traffic = v.connections !== undefined ? { ...plan.traffic, connections: v.connections, connectionsAuto: false } : plan.traffic;
  const createDriver = await prepareDriver('local', settings, { env: io.env, cwd: io.cwd });
  const session = await runSession({
    io,
    command: 'demo',
    mode: 'local',
    params: { variant: v.name, ...localRuntimeParams(settings), ...times, ...trafficParams(traffic), thresholds: plan.thresholds, out: outPath },
    traffic,
    driver: createDriver,
    plan: async (control) => (await rolloutPlan(control, { kind: 'restart' }, times)).reason,
    outPath,
    thresholds: plan.thresholds,
    dashboard: opts.dashboard !== false && io.stdout.isTTY === true,
    quiet: true,
    outputs,
  });
  // The session has analysed the run and written its JSON and HTML report.
  return session.results;
}
