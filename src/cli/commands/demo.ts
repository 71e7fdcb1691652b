import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerDemo adds `rollcheck demo` (being built: see the open issue). */
export function registerDemo(program: Command, _ctx: CommandContext): void {
  program
    .command('demo')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck demo is not built yet');
    });
}
