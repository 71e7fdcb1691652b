import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import type { Io } from '../../io.js';
import { addRolloutPhaseOptions, readRolloutPhases } from '../rollout-flags.js';
import { runSession } from '../../run/session.js';
import { defaultOutPath, podLogDir } from '../../run/out-paths.js';
import { rolloutPlan } from '../../run/rollout-plan.js';
import { drainPlan, parseLocalTrigger } from '../../run/drain-plan.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { readThresholds } from '../../results/thresholds.js';
import { parseDurationMs } from '../../parse.js';
import { UsageError } from '../../errors.js';
import { addLocalRuntimeOptions, readLocalRuntimeSettings } from '../local-flags.js';
import { addTrafficOptions } from '../traffic-flags.js';
import { addIngressOptions, readIngressSettings } from '../ingress-flags.js';
import { addStrategyOptions, readStrategy } from '../strategy-flags.js';
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
  $ rollcheck local --app demo --prestop-sleep 1s --ingress nginx --strategy blue-green --scale-down-delay 0s   # the blue-green race
  $ rollcheck local --app demo --strategy canary --steps "25%,pause 5s,50%,pause 5s" --abort-at 2
  $ rollcheck local --app demo --env DEMO_COLD_START_MS=6000 --prestop-sleep 1500ms --baseline 5s --cooldown 6s   # slow-start
  $ rollcheck local --app demo --protocol grpc --grpc-method rollcheck.demo.Demo/Work --prestop-sleep 2s   # gRPC pods, gRPC probes
  $ rollcheck local --cmd 'exec python3 server.py' --protocol grpc --ingress nginx   # readiness: grpc.health.v1 Check
  $ rollcheck local --app demo --entrypoint shell --workload statefulset --replicas 3 --grace-period 3s
  $ rollcheck local --app demo --workload daemonset --nodes 3 --max-surge 1
  $ rollcheck local --app demo --nodes 2 --replicas 3 --trigger drain=node-1 --pdb max-unavailable=1

--workload picks the controller: deployment (default), statefulset (pods
demo-0…, replaced one at a time from the highest ordinal down under the same
name, no surge; --partition N keeps ordinals below N) or daemonset (one pod per
--nodes node; maxUnavailable 1 by default, or --max-surge). --trigger
drain=NODE cordons that node and evicts its pods as kubectl drain does (not a
DaemonSet's): with --pdb an eviction beyond the budget gets 429 and is retried
every --eviction-retry. The budget covers every pod of the app, as one whose
selector is the Deployment's labels: its status (healthy pods: ready and not
terminating; expected pods; disruptions allowed) is the disruption controller's,
and a pod not yet running is evicted without it, as the Eviction API does.

Each pod's stdout/stderr goes to <out>.pods/<pod>.log. Ctrl-C stops the traffic,
terminates the pods and writes the results (exit 130).`;

/** registerLocal adds `rollcheck local`: a rolling update of real local pods, with traffic through a Service. */
export function registerLocal(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('local')
    .description('roll a Deployment of real local pods (no cluster) and prove whether it drops requests');
  addLocalRuntimeOptions(cmd);
  addIngressOptions(cmd);
  addStrategyOptions(cmd);
  addRolloutPhaseOptions(cmd, { baseline: '1s', cooldown: '3s', rolloutTimeout: '5m' });
  addTrafficOptions(cmd, { freshPercent: 20 });
  addThresholdOptions(cmd);
  addOutputOptions(cmd);
  addRunnerOptions(cmd, 'local');
  cmd
    .option('-o, --out <file>', 'results JSON file (default: reports/<timestamp>-local.json)')
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard')
    .option('--trigger <how>', 'restart (a rolling update) | none | drain=NODE (cordon and evict, as kubectl drain)', 'restart')
    .option('--drain-timeout <time>', 'give up a drain whose evictions are still refused after this long', '5m')
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>) => {
      ctx.setExit(await runLocal(ctx.io, opts));
    });
}

async function runLocal(io: Io, opts: Record<string, unknown>): Promise<number> {
  const times = readRolloutPhases(opts);
  const trigger = parseLocalTrigger(String(opts.trigger ?? 'restart'));
  const drainTimeoutMs = parseDurationMs(String(opts.drainTimeout ?? '5m'), '--drain-timeout');
  const traffic = readTrafficSettings(opts, io.cwd);
  const thresholds = readThresholds(opts);
  const outPath = typeof opts.out === 'string' ? resolve(io.cwd, opts.out) : defaultOutPath(io.cwd, 'local');
  const ingress = readIngressSettings(opts);
  const strategy = readStrategy(opts);
  const settings = { ...readLocalRuntimeSettings(opts, podLogDir(outPath)), ...(ingress ? { ingress } : {}), ...(strategy ? { strategy } : {}) };
  if (strategy && (settings.ordinals || settings.daemon)) {
    throw new UsageError(`--strategy ${strategy.kind}: an Argo Rollout replaces pods as a Deployment's ReplicaSets do; remove --workload ${settings.daemon ? 'daemonset' : 'statefulset'} or --strategy`);
  }
  const { runners } = readRunnerFlags(opts);
  const nodes = Array.from({ length: settings.nodes ?? 1 }, (_, i) => `node-${i + 1}`);
  if (trigger.kind === 'drain' && !nodes.includes(trigger.node)) {
    throw new UsageError(`--trigger drain=${trigger.node}: there is no such node; the nodes are ${nodes.join(', ')} (set how many with --nodes)`);
  }
  const maxRunMs = times.baselineMs + times.rolloutTimeoutMs + times.cooldownMs + 60_000;
  const createDriver = await prepareDriver('local', settings, { env: io.env, cwd: io.cwd });
  const session = await runSession({
    io,
    command: 'local',
    mode: 'local',
    params: { ...localRuntimeParams(settings), trigger: String(opts.trigger ?? 'restart'), ...times, ...trafficParams(traffic), runners, thresholds, out: outPath },
    traffic,
    ...(runners > 0
      ? { fleet: (f) => createRunnerFleet({ ...f, count: runners, launcher: createLocalRunners({ env: io.env }), maxRunMs }) }
      : {}),
    driver: (dctx) => announced(io, settings, createDriver(dctx)),
    plan: async (control) =>
      (trigger.kind === 'drain'
        ? await drainPlan(control, trigger.node, { ...times, timeoutMs: drainTimeoutMs, retryMs: settings.evictionRetryMs })
        : await rolloutPlan(control, trigger, times)
      ).reason,
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
    const { servicePort, logDir, workload, nodes } = target.facts;
    const kind = workload === 'rollout' && settings.strategy ? `Argo Rollout (${settings.strategy.kind})` : String(workload);
    const shape = workload !== 'deployment' || nodes !== 1 ? `${kind} on ${String(nodes)} node${nodes === 1 ? '' : 's'}, ` : '';
    io.stderr.write(
      `started ${String(target.facts.replicas)} pods (${shape}${describeApp(settings)}, Service on 127.0.0.1:${String(servicePort)}${settings.ingress ? `, ${settings.ingress.kind} ingress at ${target.url}` : ''}); pod logs in ${String(logDir)}\n`,
    );
    return target;
  };
  return driver;
}
