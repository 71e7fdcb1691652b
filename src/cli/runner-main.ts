import { Command, CommanderError } from 'commander';
import { createProcessIo, ExitCode } from '../io.js';
import { isUsageError } from '../errors.js';
import { registerRunner } from './commands/runner.js';

/** runnerMain runs `rollcheck runner …` without loading the other commands (the dashboard, the Kubernetes client). */
export async function runnerMain(argv: string[]): Promise<void> {
  const io = createProcessIo();
  let code: number = ExitCode.pass;
  const program = new Command('rollcheck').exitOverride().configureOutput({
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
  });
  registerRunner(program, { io, setExit: (c) => void (code = c) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (isUsageError(e)) {
      io.stderr.write(`rollcheck: ${e.message}\n`);
      code = e.exitCode;
    } else if (e instanceof CommanderError) code = ExitCode.usage;
    else {
      io.stderr.write(`rollcheck runner: ${e instanceof Error ? e.message : String(e)}\n`);
      code = 3;
    }
  }
  io.dispose();
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
