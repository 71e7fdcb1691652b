import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerRun adds `rollcheck run` (being built: see the open issue). */
export function registerRun(program: Command, _ctx: CommandContext): void {
  program
    .command('run')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck run is not built yet');
    });
}
