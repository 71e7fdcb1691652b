import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../../errors.js';
import { parseUrl } from '../../parse.js';
import { addThresholdOptions } from '../verdict-flags.js';
import { addOutputOptions, readOutputs } from '../output-flags.js';
import { readThresholds } from '../../results/thresholds.js';
import { runSession } from '../../run/session.js';
import { defaultOutPath } from '../../run/out-paths.js';
import { addTrafficOptions } from '../traffic-flags.js';
import { addRunnerOptions, readRunnerFlags } from '../runner-flags.js';
import { createRunnerFleet } from '../../run/runner-fleet.js';
import { createLocalRunners } from '../../run/local-runners.js';
import { readTrafficSettings, trafficParams } from '../../traffic/settings.js';

const HELP = `
Sends a steady open-model request rate at URL (on schedule, even when the
server is slow: latency counts from the intended send time), keeps every
failed or reset request with its time, connection and pod, and writes one
results JSON file.

Examples:
  $ rollcheck load http://127.0.0.1:8080/ --rate 500 --duration 30s
  $ rollcheck load http://127.0.0.1:8080/health -r 2000 -d 2m --connections 32 --workers 2
  $ rollcheck load http://127.0.0.1:8080/ --fresh-connections 20 --pod-header x-pod-name
  $ rollcheck load http://127.0.0.1:8080/api -m POST -H 'content-type: application/json' --body '{"a":1}'
  $ rollcheck load http://127.0.0.1:8080/ --out reports/before.json
  $ rollcheck load http://127.0.0.1:8080/ -d 2m --max-errors 0 --max-p99 250ms   # CI: exit 1 on a failed verdict

Exit codes: 0 verdict passed, 1 verdict failed (--max-errors defaults to 0),
2 usage error or nothing answers at URL, 3 inconclusive (the client fell
short of its rate), 130 interrupted (Ctrl-C stops the
traffic, writes the results and exits 130).`;

/** registerLoad adds `rollcheck load URL`: steady traffic at one URL, every failure kept. */
export function registerLoad(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('load')
    .description('send steady traffic at a URL and record every failed request')
    .argument('<url>', 'http:// or https:// URL to send requests to');
  addTrafficOptions(cmd, { freshPercent: 0, durationMs: 30_000 });
  addThresholdOptions(cmd);
  addOutputOptions(cmd);
  addRunnerOptions(cmd, 'local');
  cmd
    .option('-o, --out <file>', 'results JSON file (default: reports/<timestamp>-load.json)')
    .option('--no-dashboard', 'one progress line per second instead of the live dashboard')
    .addHelpText('after', HELP)
    .action(async (urlText: string, opts: Record<string, unknown>) => {
      const parsed = parseUrl(urlText);
      if (parsed.username !== '' || parsed.password !== '') {
        // Results and reports must never hold a credential.
        throw new UsageError(
          `URL: credentials in the URL are not sent or stored; use -H 'authorization: ...' instead`,
        );
      }
      const url = parsed.toString();
      const traffic = readTrafficSettings(opts, ctx.io.cwd);
      const thresholds = readThresholds(opts);
      const { runners } = readRunnerFlags(opts);
      const outPath =
        typeof opts.out === 'string'
          ? resolve(ctx.io.cwd, opts.out)
          : defaultOutPath(ctx.io.cwd, 'load');
      const session = await runSession({
        io: ctx.io,
        command: 'load',
        mode: 'load',
        params: { url, ...trafficParams(traffic), runners, thresholds, out: outPath },
        traffic,
        url,
        ...(runners > 0
          ? { fleet: (f) => createRunnerFleet({ ...f, count: runners, launcher: createLocalRunners({ env: ctx.io.env }), maxRunMs: traffic.durationMs + 60_000 }) }
          : {}),
        plan: async (control) => {
          control.setPhase('steady');
          // An absolute end: late timers on a busy machine must not lengthen the run.
          const endAtMs = control.recordingFromMs + traffic.durationMs;
          control.endTrafficAt(endAtMs);
          await control.sleepUntil(endAtMs);
        },
        outPath,
        thresholds,
        dashboard: opts.dashboard !== false && ctx.io.stdout.isTTY === true,
        outputs: readOutputs(opts, ctx.io),
      });
      ctx.setExit(session.exitCode);
    });
}
