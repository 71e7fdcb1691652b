import type { Command } from 'commander';
import { INSPECT_RBAC } from '../analysis/index.js';

/** addInspectOptions adds --inspect-pid1 (a Kubernetes run only: the embedded runtime always reads /proc itself). */
export function addInspectOptions(cmd: Command): Command {
  return cmd.option(
    '--inspect-pid1',
    `read each ready pod's PID 1 through pods/exec (a shell that does not forward SIGTERM? an app without a handler?); needs ${INSPECT_RBAC}`,
  );
}

/** readInspectPid1 reads what addInspectOptions added. */
export function readInspectPid1(opts: Record<string, unknown>): boolean {
  return opts.inspectPid1 === true;
}
