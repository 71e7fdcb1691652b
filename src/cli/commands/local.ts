import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerLocal adds `rollcheck local` (being built: see the open issue). */
export function registerLocal(program: Command, _ctx: CommandContext): void {
  program
    .command('local')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck local is not built yet');
    });
}
