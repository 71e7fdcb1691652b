import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerCompare adds `rollcheck compare` (being built: see the open issue). */
export function registerCompare(program: Command, _ctx: CommandContext): void {
  program
    .command('compare')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck compare is not built yet');
    });
}
