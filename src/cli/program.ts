import { Command, CommanderError } from 'commander';
import type { Io } from '../io.js';
import { ExitCode } from '../io.js';
import { isUsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerLoad } from './commands/load.js';
import { registerLocal } from './commands/local.js';
import { registerRun } from './commands/run.js';
import { registerReport } from './commands/report.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerScenario } from './commands/scenario.js';
import { registerRunner } from './commands/runner.js';

/** CommandContext is what every command's registrar gets: the Io and a way to set the exit code. */
export interface CommandContext {
  io: Io;
  setExit(code: number): void;
}

const ROOT_HELP = `
Examples:
  $ rollcheck demo                                   # the classic shutdown mistakes, no cluster needed
  $ rollcheck load http://127.0.0.1:8080/ --rate 500 --duration 30s
  $ rollcheck local --app demo --entrypoint shell --replicas 2 --grace-period 3s
  $ rollcheck run --deployment web --url https://staging.example.com/ --rate 200
  $ rollcheck report reports/run.json -o run.html

Exit codes: 0 pass, 1 verdict failed, 2 usage/config/environment error, 130 interrupted.`;

/** buildProgram makes the commander program with every command, writing through `io`. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('rollcheck')
    .description('Prove whether a Kubernetes rolling update drops requests, and explain why.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
      outputError: (s, write) => write(`rollcheck: ${s.replace(/^error: /, '')}`),
    })
    .addHelpText('after', ROOT_HELP);
  registerLoad(program, ctx);
  registerLocal(program, ctx);
  registerRun(program, ctx);
  registerReport(program, ctx);
  registerCompare(program, ctx);
  registerDemo(program, ctx);
  registerScenario(program, ctx);
  registerRunner(program, ctx);
  return program;
}

/** runCli runs one command line (without `node` and the script) and returns the exit code. */
export async function runCli(args: string[], io: Io): Promise<number> {
  let code: number = ExitCode.pass;
  const program = buildProgram({ io, setExit: (c) => void (code = c) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return ExitCode.pass;
      }
      return ExitCode.usage;
    }
    if (isUsageError(e)) {
      io.stderr.write(`rollcheck: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`rollcheck: internal error: ${err.message}\n${err.stack ?? ''}\n`);
    return 3;
  }
}
