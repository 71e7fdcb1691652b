import { createProcessIo } from '../io.js';
import { runCli } from './program.js';

/** main is the executable's entry: it runs the command line and exits with its code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const io = createProcessIo();
  const code = await runCli(argv, io);
  io.dispose();
  // Flush what is buffered, then exit: open sockets or timers of a finished run must not hold the process.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
