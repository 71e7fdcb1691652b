import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import type { Io } from '../../io.js';
import { ExitCode } from '../../io.js';
import { addRolloutPhaseOptions, readRolloutPhases } from '../rollout-flags.js';
import { parseDurationMs, parseUrl } from '../../parse.js';
import { runSession } from '../../run/session.js';
import { rolloutPlan } from '../../run/rollout-plan.js';
import { drainPlan } from '../../run/drain-plan.js';
import { defaultOutPath } from '../../run/out-paths.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { readThresholds } from '../../results/thresholds.js';
import { addTrafficOptions } from '../traffic-flags.js';
import { addRunnerOptions, readRunnerFlags } from '../runner-flags.js';
import { addInspectOptions, readInspectPid1 } from '../inspect-flags.js';
import { INSPECT_RBAC } from '../../analysis/index.js';
import { createRunnerFleet } from '../../run/runner-fleet.js';
import { readTrafficSettings, trafficParams } from '../../traffic/settings.js';
import { SPEC_ENV } from '../../traffic/runner-protocol.js';
import type { ClusterDriver, DriverTarget } from '../../cluster/driver.js';
import { hasNodeDrainer } from '../../cluster/driver.js';
import { parseTrigger, type KubeTrigger } from '../../cluster/kube/parse-trigger.js';
import { parseWorkloadRef } from '../../cluster/kube/workload-ref.js';
import { readRolloutOptions } from '../../cluster/kube/workloads/rollout-options.js';
import type { WorkloadRef } from '../../results/types.js';
import { UsageError } from '../../errors.js';
import type { KubeDriverSettings } from '../../cluster/kube/index.js';
import { prepareDriver } from '../../cluster/registry.js';

const HELP = `
Sends steady traffic at --url, triggers a rolling update of the Deployment and
watches every pod's termination through the API (Pods, EndpointSlices, Events,
the Deployment). Each failed request is lined up with what the pods were doing.

--url is where real users' traffic enters: an Ingress, LoadBalancer or NodePort
address, or the Service's cluster address when rollcheck runs inside the cluster
(see manifests/loadrunner-job.yaml). Do NOT point it at \`kubectl port-forward\`:
port-forward picks ONE pod and tunnels to it, bypassing the Service and its
endpoints, so it shows neither endpoint removal nor load balancing, and it breaks
when that pod is replaced.

Triggers (--trigger):
  restart                 what \`kubectl rollout restart\` does (restartedAt annotation)
  image=CONTAINER=IMAGE   what \`kubectl set image\` does
  cmd=COMMAND             any shell command, e.g. "cmd=helm upgrade web ./chart" (output to a log file)
  drain=NODE              what \`kubectl drain NODE --ignore-daemonsets\` does: cordon, then evict the
                          node's pods (DaemonSets' left alone) through the Eviction API, a refusal by a
                          PodDisruptionBudget (429) retried every 5 s, until --drain-timeout; the run
                          waits for the evicted pods to be gone and their replacements ready
  none                    watch only: start the rollout yourself during the run, or watch a drain
                          someone else runs (kubectl drain, an autoscaler): the run ends when the
                          rollout does, or when the last drain's pods are replaced and 5 s pass
                          with no other drain begun
An Argo Rollout (--workload rollout/NAME): restart sets spec.restartAt as \`kubectl argo rollouts
restart\` does (pods replaced, no steps); image= makes a new revision that goes through the
strategy's steps. --promote auto (the default) promotes each indefinite pause as \`kubectl argo
rollouts promote\` does (a run is unattended: a pause nobody promotes only ends at
--rollout-timeout); manual leaves it to you. --abort-at STEP aborts there as \`kubectl argo
rollouts abort\` does: the way back is its own step with its own verdict.

Examples:
  $ rollcheck run --deployment web --url https://staging.example.com/ --rate 200
  $ rollcheck run --deployment web --service web -n shop --context staging --url http://10.0.0.5:30080/
  $ rollcheck run --deployment web --url https://staging.example.com/ --trigger image=app=registry/web:1.4.2
  $ rollcheck run --deployment web --url https://staging.example.com/ --trigger "cmd=helm upgrade web ./chart"
  $ rollcheck run --workload statefulset/db --url https://staging.example.com/
  $ rollcheck run --workload rollout/web --url https://staging.example.com/ --trigger image=app=registry/web:1.4.2 --abort-at 2
  $ rollcheck run --deployment web --url https://staging.example.com/ --trigger drain=node-1 --drain-timeout 5m
  $ kubectl rollcheck run --deployment web --url https://staging.example.com/ --max-errors 0

A run lasts --baseline, then the rollout (until kubectl would call it complete
and the old pods are gone), then --cooldown.

RBAC: the verbs it needs are in manifests/rbac.yaml (a drain also needs the
ClusterRole in manifests/rbac-drain.yaml). No credential is ever written to the
output, the results or the report.

--inspect-pid1 also reads each pod's PID 1 (/proc/1/status, cmdline, exe and its
children) with a short \`sh\` (or \`cat\`) exec in the app container, once the pod
is ready, a few pods at a time, each bounded to a few seconds, without holding up
traffic or the rollout. It tells a shell entrypoint that never forwards SIGTERM
from an app without a SIGTERM handler. It needs pods/exec (create, get):
  kubectl apply -n <namespace> -f ${INSPECT_RBAC}
Without it, or when the exec is forbidden, the findings say what they cannot know.

Ctrl-C stops the traffic and writes the results; it does NOT undo the rollout.`;

/** registerRun adds `rollcheck run`: a real rollout on a Kubernetes cluster, watched through the API. */
export function registerRun(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('run')
    .description('trigger a rolling update on a Kubernetes cluster and prove whether it drops requests')
    .option('--workload <kind/name>', 'the workload to roll: deployment/NAME, statefulset/NAME, daemonset/NAME or rollout/NAME (an Argo Rollout)')
    .option('--deployment <name>', 'the Deployment to roll (short for --workload deployment/NAME)')
    .requiredOption('--url <url>', 'where traffic goes: Ingress, LoadBalancer, NodePort or in-cluster Service address (not port-forward)')
    .option('--service <name>', 'the Service in front of it (default: the one whose selector matches the pods)')
    .option('--container <name>', "the app container, whose termination is the pod's (default: the one serving the Service's targetPort)")
    .option('-n, --namespace <ns>', "namespace (default: the context's)")
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--trigger <how>', 'restart | image=CONTAINER=IMAGE | cmd=COMMAND | drain=NODE | none', 'restart')
    .option('--drain-timeout <duration>', 'with --trigger drain=NODE: how long the drain may take, refused evictions and replacements included', '5m')
    .option('--promote <mode>', 'Argo Rollout: auto (rollcheck promotes each indefinite pause, as kubectl argo rollouts promote) or manual (you do); default auto')
    .option('--abort-at <step>', 'Argo Rollout: abort when this step is reached, as kubectl argo rollouts abort (canary: the step index; blue-green: 1 = before the switch, 2 = before the scale-down)');
  addRolloutPhaseOptions(cmd, { baseline: '10s', cooldown: '10s', rolloutTimeout: '10m' });
  addTrafficOptions(cmd, { freshPercent: 20 });
  addThresholdOptions(cmd);
  addOutputOptions(cmd);
  addRunnerOptions(cmd, 'kube');
  addInspectOptions(cmd);
  cmd
    .option('-o, --out <file>', 'results JSON file (default: reports/<timestamp>-run.json)')
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard')
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>) => {
      ctx.setExit(await runRun(ctx.io, opts));
    });
}

async function runRun(io: Io, opts: Record<string, unknown>): Promise<number> {
  const url = parseUrl(String(opts.url), '--url').toString();
  const trigger = parseTrigger(String(opts.trigger ?? 'restart'));
  const runnerFlags = readRunnerFlags(opts);
  const { baselineMs, cooldownMs, rolloutTimeoutMs } = readRolloutPhases(opts);
  const drainTimeoutMs = parseDurationMs(String(opts.drainTimeout ?? '5m'), '--drain-timeout');
  const traffic = readTrafficSettings(opts, io.cwd);
  const thresholds = readThresholds(opts);
  const outPath = typeof opts.out === 'string' ? resolve(io.cwd, opts.out) : defaultOutPath(io.cwd, 'run');
  const workload = readWorkload(opts);
  const rolloutOptions = readRolloutOptions(workload.kind, str(opts.promote), str(opts.abortAt));
  const settings = { ...kubeSettings(io, opts, workload, { url, trigger, logDir: resolve(outPath, '..') }), ...(rolloutOptions ? { rollout: rolloutOptions } : {}) };
  // Loaded here, not at start-up: the Kubernetes client is large and only `run` (and kube scenarios) need it.
  const createDriver = await prepareDriver('kube', settings, { env: io.env, cwd: io.cwd, logDir: settings.logDir });
  const { createRunnerJob } = runnerFlags.runners > 0 ? await import('../../cluster/kube/runner-job.js') : { createRunnerJob: undefined };
  if (runnerFlags.runners === 0) warnIfLoopback(io, url);
  const maxRunMs = baselineMs + Math.max(rolloutTimeoutMs, drainTimeoutMs) + cooldownMs + 60_000;
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  let namespace = settings.namespace ?? '';
  let triggered = false;
  const session = await runSession({
    io,
    command: 'run',
    mode: 'kube',
    params: {
      ...(workload.kind === 'deployment' ? { deployment: workload.name } : {}),
      workload: `${workload.kind}/${workload.name}`,
      service: settings.service ?? null,
      container: settings.container ?? null,
      namespace: settings.namespace ?? null,
      context: settings.context ?? null,
      kubeconfig: settings.kubeconfig ?? null,
      url,
      trigger: String(opts.trigger ?? 'restart'),
      ...(rolloutOptions ? { promote: rolloutOptions.promote, abortAtStep: rolloutOptions.abortAtStep ?? null } : {}),
      ...(trigger.kind === 'drain' ? { drainTimeoutMs } : {}),
      inspectPid1: settings.inspectPid1 === true,
      runners: runnerFlags.runners,
      ...(runnerFlags.runners > 0 ? { runnerImage: runnerFlags.image ?? null, runnerStartDelayMs: runnerFlags.startDelayMs, runId } : {}),
      baselineMs,
      cooldownMs,
      rolloutTimeoutMs,
      ...trafficParams(traffic),
      thresholds,
      out: outPath,
    },
    traffic,
    ...(createRunnerJob
      ? {
          fleet: (f) =>
            createRunnerFleet({
              ...f,
              count: runnerFlags.runners,
              maxRunMs,
              launcher: createRunnerJob({ ...settings, runId, image: runnerFlags.image ?? 'rollcheck', startDelayMs: runnerFlags.startDelayMs, maxRunMs, specEnv: SPEC_ENV }),
            }),
        }
      : {}),
    driver: (dctx) =>
      announce(io, createDriver(dctx), settings, (target) => {
        namespace = String(target.facts.namespace ?? namespace);
      }),
    plan: async (control) => {
      const plan = trigger.kind === 'drain' ? await drainPlan(control, trigger.node, { baselineMs, cooldownMs, timeoutMs: drainTimeoutMs }) : await rolloutPlan(control, trigger, { baselineMs, cooldownMs, rolloutTimeoutMs });
      triggered = plan.triggered;
      return plan.reason;
    },
    outPath,
    thresholds,
    dashboard: opts.dashboard !== false && io.stdout.isTTY === true,
    outputs: readOutputs(opts, io),
  });
  if (trigger.kind === 'drain' && triggered) {
    io.stderr.write(`note: node ${trigger.node} is left cordoned, as kubectl drain leaves it; make it schedulable again with: kubectl uncordon ${trigger.node}\n`);
  } else if (session.exitCode === ExitCode.interrupted && triggered) {
    io.stderr.write(
      `rollcheck: interrupted: traffic stopped and results written; the rollout was NOT undone and continues in the cluster (kubectl rollout status -n ${namespace} ${workload.kind}/${workload.name})\n`,
    );
  }
  return session.exitCode;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// readWorkload is the workload the flags name: `--workload KIND/NAME`, or `--deployment NAME` for `deployment/NAME`; exactly one.
function readWorkload(opts: Record<string, unknown>): WorkloadRef {
  const byFlag = typeof opts.workload === 'string';
  if (byFlag === (typeof opts.deployment === 'string')) {
    throw new UsageError('name the workload to roll with one of --workload KIND/NAME (deployment/NAME, statefulset/NAME, daemonset/NAME, rollout/NAME) or --deployment NAME');
  }
  return byFlag ? parseWorkloadRef(String(opts.workload)) : { kind: 'deployment', name: String(opts.deployment) };
}

// kubeSettings is the driver's settings from the flags.
function kubeSettings(io: Io, opts: Record<string, unknown>, workload: WorkloadRef, o: { url: string; trigger: KubeTrigger; logDir: string }): KubeDriverSettings {
  return {
    workload,
    url: o.url,
    ...(typeof opts.service === 'string' ? { service: opts.service } : {}),
    ...(typeof opts.container === 'string' ? { container: opts.container } : {}),
    ...(typeof opts.namespace === 'string' ? { namespace: opts.namespace } : {}),
    ...(typeof opts.context === 'string' ? { context: opts.context } : {}),
    ...(typeof opts.kubeconfig === 'string' ? { kubeconfig: opts.kubeconfig } : {}),
    env: io.env,
    cwd: io.cwd,
    logDir: o.logDir,
    trigger: o.trigger,
    inspectPid1: readInspectPid1(opts),
  };
}

// announce prints what the pre-flight found (and its warnings) before any traffic is sent.
function announce(io: Io, driver: ClusterDriver, settings: KubeDriverSettings, seen: (t: DriverTarget) => void): ClusterDriver {
  const { kind, name } = settings.workload;
  const drainer = hasNodeDrainer(driver) ? { listNodes: () => driver.listNodes(), drainNode: driver.drainNode.bind(driver) } : {};
  return {
    ...drainer,
    traits: driver.traits,
    async start(signal) {
      const target = await driver.start(signal);
      seen(target);
      const f = target.facts;
      io.stderr.write(
        `found ${kind} ${name} in ${f.namespace} (context ${f.context}): ${f.replicas} replicas, ${strategyText(f)}, ` +
          `grace ${f.terminationGracePeriodSeconds}s, preStop ${f.preStop}, readiness ${f.readinessProbe}; service ${f.service} with ${f.readyEndpoints} ready endpoints\n`,
      );
      for (const w of target.warnings) io.stderr.write(`warning: ${w}\n`);
      if (settings.rollout?.promote === 'manual') {
        io.stderr.write(`note: --promote manual: each indefinite pause waits for you: kubectl argo rollouts promote -n ${String(f.namespace)} ${name} (past --rollout-timeout the run fails)\n`);
      }
      return target;
    },
    triggerRollout: (t) => driver.triggerRollout(t),
    waitForRollout: (ms, signal) => driver.waitForRollout(ms, signal),
    stop: () => driver.stop(),
  };
}

// strategyText words the update strategy facts of any kind: a Deployment's or DaemonSet's surge and unavailability, a StatefulSet's partition.
function strategyText(f: Record<string, unknown>): string {
  if (f.partition !== undefined) return `${String(f.updateStrategy)} partition ${String(f.partition)}`;
  if (f.updateStrategy !== undefined) return `${String(f.updateStrategy)} maxSurge ${String(f.maxSurge)} maxUnavailable ${String(f.maxUnavailable)}`;
  return `${String(f.strategy)} maxSurge ${String(f.maxSurge)} maxUnavailable ${String(f.maxUnavailable)}`;
}

function warnIfLoopback(io: Io, url: string): void {
  const host = new URL(url).hostname;
  if (!/^(127\.|localhost$|\[?::1\]?$)/.test(host) || io.env.KUBERNETES_SERVICE_HOST) return;
  io.stderr.write(
    `note: --url ${url} is on this machine; if it is \`kubectl port-forward\`, the results are not meaningful (it pins one pod and bypasses the Service)\n`,
  );
}
