import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import type { Io } from '../../io.js';
import { ExitCode } from '../../io.js';
import { UsageError } from '../../errors.js';
import { runSession } from '../../run/session.js';
import { defaultOutPath, podLogDir } from '../../run/out-paths.js';
import { trafficParams } from '../../traffic/settings.js';
import {
  checkScenario,
  createScenarioDriver,
  createScenarioPlan,
  formatPlan,
  formatStepVerdicts,
  parseScenario,
  stepVerdicts,
} from '../../scenario/index.js';
import type { Scenario } from '../../scenario/index.js';
import { driverEntry } from '../../cluster/registry.js';
import type { Output } from '../../run/outputs/index.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';

const HELP = `
A scenario file scripts a game day: a target, steady traffic, thresholds, and
steps on a timeline. Steps run in order after the warm-up:
  - wait: 10s                               steady traffic, nothing happens
  - rollout: restart                        or {image: IMAGE, wait: true, timeout: 5m}
  - rollout: {cmd: "helm upgrade web ./chart"}   kube targets: any command that rolls out
  - kill-pod: oldest                        or {which: random|oldest|newest, signal: SIGTERM|SIGKILL, grace: 2s}
  - kill-pod: {name: web-7f9c-abcde}        one pod by name
  - scale: 5                                change the replica count
  - cmd: "./notify.sh rollout done"         a shell command (run in the file's folder)
Any step may add "name: …" (its label) and "at: 30s" (not before this time).
Each step is an event in the results and the dashboard, and gets its own
verdict: the thresholds applied to the requests that ended between its start and
the next step's. The exit code is 1 when any step or the whole run fails.

Examples:
  $ rollcheck scenario manifests/scenarios/rollout-under-load.yaml
  $ rollcheck scenario manifests/scenarios/pod-kill-short-grace.yaml --dry-run
  $ rollcheck scenario manifests/scenarios/shell-vs-exec.yaml --no-dashboard -o reports/game-day.json
  $ rollcheck scenario manifests/scenarios/container-rollout.yaml     # needs podman and the image

The smallest file:
  target: {local: {app: demo, entrypoint: shell}}
  steps: [{wait: 5s}, {rollout: restart}]

Target (local: runtime, app/command, entrypoint, image, image-new, port,
replicas, ... | kube: deployment, url, service, namespace, context, kubeconfig,
inspect-pid1),
traffic (rate, connections, fresh, headers, warmup, timeout, method, mix,
body, body-file, max-in-flight, ca-cert, insecure, resolve, client, ...) and
thresholds use the flag names of "rollcheck local" and
"rollcheck run" as keys (grace-period, prestop-sleep, max-errors, …); see the
examples in manifests/scenarios/.`;

/** registerScenario adds `rollcheck scenario FILE.yaml`: a scripted game day of rollouts, pod kills and scale changes. */
export function registerScenario(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('scenario')
    .description(
      'run a YAML scenario of rollouts, pod kills and scale changes under steady traffic',
    )
    .argument('<file>', 'scenario file (YAML)')
    .option(
      '--dry-run',
      'print the plan and check it (runtime, images, kubeconfig) without running it',
    )
    .option('-o, --out <file>', 'results JSON file (default: reports/<timestamp>-scenario.json)')
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard');
  addOutputOptions(cmd)
    .addHelpText('after', HELP)
    .action(async (file: string, opts: Record<string, unknown>) => {
      ctx.setExit(await runScenarioCommand(ctx.io, file, opts));
    });
}

async function runScenarioCommand(
  io: Io,
  file: string,
  opts: Record<string, unknown>,
): Promise<number> {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read scenario file ${path} (${code}); check the path`);
  }
  const shown = relative(io.cwd, path).startsWith('..') ? path : relative(io.cwd, path);
  const scenario = parseScenario(shown, text, dirname(path));
  if (opts.dryRun === true) {
    io.stdout.write(`${formatPlan(scenario)}\n`);
    const checks = await checkScenario(scenario, { env: io.env, cwd: io.cwd });
    io.stdout.write(`checks: ok (${checks.join('; ')})\ndry run: nothing was started\n`);
    return ExitCode.pass;
  }
  const outPath =
    typeof opts.out === 'string' ? resolve(io.cwd, opts.out) : defaultOutPath(io.cwd, 'scenario');
  return runScenario(
    io,
    scenario,
    path,
    outPath,
    opts.dashboard !== false && io.stdout.isTTY === true,
    readOutputs(opts, io),
  );
}

/** runScenario runs a parsed scenario through the session, then judges each step and rewrites the results with them. */
export async function runScenario(
  io: Io,
  scenario: Scenario,
  path: string,
  outPath: string,
  dashboard: boolean,
  outputs: Output[] = [],
): Promise<number> {
  io.stdout.write(`${formatPlan(scenario)}\n\n`);
  const target = driverEntry(scenario.target.driver);
  // Pod logs go next to the results, as with `rollcheck local`.
  const driver = await createScenarioDriver(scenario, {
    env: io.env,
    cwd: dirname(path),
    logDir: dirname(outPath),
    podLogDir: podLogDir(outPath),
  });
  const session = await runSession({
    io,
    command: 'scenario',
    mode: 'scenario',
    params: {
      file: scenario.file,
      name: scenario.name,
      target: { driver: target.name, ...target.params(scenario.target.settings) },
      steps: scenario.steps.map((s) => ({
        label: s.label,
        line: s.line,
        ...(s.atMs !== undefined ? { atMs: s.atMs } : {}),
        action: s.action,
      })),
      cooldownMs: scenario.cooldownMs,
      ...trafficParams(scenario.traffic),
      thresholds: scenario.thresholds,
      out: outPath,
    },
    traffic: scenario.traffic,
    driver,
    plan: createScenarioPlan(scenario, {
      env: io.env,
      cwd: dirname(path),
      logPrefix: outPath.replace(/\.json$/, '.'),
    }),
    outPath,
    thresholds: scenario.thresholds,
    dashboard,
    outputs,
    finishResults: (results) => {
      const steps = stepVerdicts(results, scenario.steps, scenario.thresholds);
      const runPass = results.analysis ? results.analysis.verdict.pass : true;
      results.scenario = { name: scenario.name, file: scenario.file, steps, pass: runPass && steps.every((s) => s.pass) };
    },
  });
  const outcome = session.results.scenario;
  const pass = outcome?.pass ?? false;
  if (outcome) io.stdout.write(`${formatStepVerdicts(outcome, session.results.analysis?.verdict.inconclusive)}\n`);
  const leftBehind = target.afterInterrupt?.(scenario.target.settings);
  if (session.exitCode === ExitCode.interrupted && leftBehind !== undefined) {
    io.stderr.write(`rollcheck: interrupted: a rollout, kill or scale already sent to the cluster was NOT undone (${leftBehind})\n`);
  }
  // A step that itself failed (a command exiting non-zero, a failed rollout) fails the scenario, whatever the generator's lag.
  if (session.exitCode === ExitCode.inconclusive && outcome?.steps.some((s) => !s.ok) === true) return ExitCode.verdictFailed;
  if (session.exitCode !== ExitCode.pass) return session.exitCode;
  return pass ? ExitCode.pass : ExitCode.verdictFailed;
}
