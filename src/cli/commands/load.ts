import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerLoad adds `rollcheck load` (being built: see the open issue). */
export function registerLoad(program: Command, _ctx: CommandContext): void {
  program
    .command('load')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck load is not built yet');
    });
}
