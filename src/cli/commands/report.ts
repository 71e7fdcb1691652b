import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerReport adds `rollcheck report` (being built: see the open issue). */
export function registerReport(program: Command, _ctx: CommandContext): void {
  program
    .command('report')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck report is not built yet');
    });
}
