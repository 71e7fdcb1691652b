import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { UsageError } from '../errors.js';

/** registerScenario adds `rollcheck scenario` (being built: see the open issue). */
export function registerScenario(program: Command, _ctx: CommandContext): void {
  program
    .command('scenario')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError('rollcheck scenario is not built yet');
    });
}
