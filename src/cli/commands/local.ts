import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import type { Io } from '../../io.js';
import { addRolloutPhaseOptions, readRolloutPhases } from '../rollout-flags.js';
import { runSession } from '../../run/session.js';
import { defaultOutPath, podLogDir } from '../../run/out-paths.js';
import { rolloutPlan } from '../../run/rollout-plan.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { readThresholds } from '../../results/thresholds.js';
import { addLocalRuntimeOptions, readLocalRuntimeSettings } from '../local-flags.js';
import { addTrafficOptions } from '../traffic-flags.js';
import { addIngressOptions, readIngressSettings } from '../ingress-flags.js';
import { addRunnerOptions, readRunnerFlags } from '../runner-flags.js';
import { createRunnerFleet } from '../../run/runner-fleet.js';
import { createLocalRunners } from '../../run/local-runners.js';
import { readTrafficSettings, trafficParams } from '../../traffic/settings.js';
import type { ClusterDriver } from '../../cluster/driver.js';
import { describeApp, localRuntimeParams, type LocalRuntimeSettings } from '../../cluster/local/index.js';
import { prepareDriver } from '../../cluster/registry.js';

const HELP = `
Runs a Deployment of real pods on this machine, no cluster needed: each pod is a
process that is PID 1 of its own PID namespace (so a shell entrypoint ignores
SIGTERM exactly as in a container), behind a Service proxy on 127.0.0.1 whose
endpoints change after --endpoint-delay, with readiness probes, a rolling-update
controller (maxSurge/maxUnavailable) and the kubelet's termination sequence
(terminating -> endpoint removal + preStop -> SIGTERM -> SIGKILL after the grace
period). Traffic goes to the Service; every failed request is lined up with the
pod event next to it.

Examples:
  $ rollcheck local --app demo --entrypoint shell --replicas 2 --grace-period 3s --cooldown 2s
  $ rollcheck local --app demo --entrypoint exec --prestop-sleep 2s --out reports/fixed.json
  $ rollcheck local --cmd 'exec python3 -m http.server $PORT --bind $HOST' --readiness-path /
  $ rollcheck local --app demo --env DEMO_DRAIN=0 --prestop-sleep 2s --rate 200 --no-dashboard
  $ rollcheck local --app demo --env DEMO_COLD_START_MS=6000 --prestop-sleep 1500ms --baseline 5s --cooldown 6s   # slow-start
  $ rollcheck local --app demo --protocol grpc --grpc-method rollcheck.demo.Demo/Work --prestop-sleep 2s   # gRPC pods, gRPC probes
  $ rollcheck local --cmd 'exec python3 server.py' --protocol grpc --ingress nginx   # readiness: grpc.health.v1 Check

Each pod's stdout/stderr goes to <out>.pods/<pod>.log. Ctrl-C stops the traffic,
terminates the pods and writes the results (exit 130).`;

/** registerLocal adds `rollcheck local`: a rolling update of real local pods, with traffic through a Service. */
export function registerLocal(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('local')
    .description('roll a Deployment of real local pods (no cluster) and prove whether it drops requests');
  addLocalRuntimeOptions(cmd);
  addIngressOptions(cmd);
  addRolloutPhaseOptions(cmd, { baseline: '1s', cooldown: '3s', rolloutTimeout: '5m' });
  addTrafficOptions(cmd, { freshPercent: 20 });
  addThresholdOptions(cmd);
  addOutputOptions(cmd);
  addRunnerOptions(cmd, 'local');
  cmd
    .option('-o, --out <file>', 'results JSON file (default: reports/<timestamp>-local.json)')
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard')
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>) => {
      ctx.setExit(await runLocal(ctx.io, opts));
    });
}

async function runLocal(io: Io, opts: Record<string, unknown>): Promise<number> {
  const times = readRolloutPhases(opts);
  const traffic = readTrafficSettings(opts, io.cwd);
  const thresholds = readThresholds(opts);
  const outPath = typeof opts.out === 'string' ? resolve(io.cwd, opts.out) : defaultOutPath(io.cwd, 'local');
  const ingress = readIngressSettings(opts);
  const settings = { ...readLocalRuntimeSettings(opts, podLogDir(outPath)), ...(ingress ? { ingress } : {}) };
  const { runners } = readRunnerFlags(opts);
  const maxRunMs = times.baselineMs + times.rolloutTimeoutMs + times.cooldownMs + 60_000;
  const createDriver = await prepareDriver('local', settings, { env: io.env, cwd: io.cwd });
  const session = await runSession({
    io,
    command: 'local',
    mode: 'local',
    params: { ...localRuntimeParams(settings), ...times, ...trafficParams(traffic), runners, thresholds, out: outPath },
    traffic,
    ...(runners > 0
      ? { fleet: (f) => createRunnerFleet({ ...f, count: runners, launcher: createLocalRunners({ env: io.env }), maxRunMs }) }
      : {}),
    driver: (dctx) => announced(io, settings, createDriver(dctx)),
    plan: async (control) => (await rolloutPlan(control, { kind: 'restart' }, times)).reason,
    outPath,
    thresholds,
    dashboard: opts.dashboard !== false && io.stdout.isTTY === true,
    outputs: readOutputs(opts, io),
  });
  return session.exitCode;
}

// announced wraps the local driver so that the run header says what started, before traffic.
function announced(io: Io, settings: LocalRuntimeSettings, driver: ClusterDriver): ClusterDriver {
  const start = driver.start.bind(driver);
  driver.start = async (signal) => {
    const target = await start(signal);
    const { servicePort, logDir } = target.facts;
    io.stderr.write(
      `started ${settings.replicas} pods (${describeApp(settings)}, Service on 127.0.0.1:${String(servicePort)}${settings.ingress ? `, ${settings.ingress.kind} ingress at ${target.url}` : ''}); pod logs in ${String(logDir)}\n`,
    );
    return target;
  };
  return driver;
}
