import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RolloutTrigger } from '../driver.js';
import type { KubeApi } from './kube-api.js';
import type { WorkloadKind, WorkloadLike } from './workloads/workload-kind.js';

/** TriggerStarted is what a started trigger gives back: the generation to wait for, or a running command. */
export interface TriggerStarted {
  generation: number | null;
  /** For `cmd=`: resolves with the command's exit code. */
  command?: Promise<number>;
  description: string;
}

/** TriggerOptions is where a `cmd=` trigger runs and logs. */
export interface TriggerOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  logPath: string;
}

/**
 * startTrigger starts the rollout: `restart` and `image` are the workload
 * kind's (a PATCH as kubectl does), `cmd` runs a shell command with its output
 * in a log file, `none` does nothing and waits for someone else's rollout.
 */
export async function startTrigger(
  api: KubeApi,
  kind: WorkloadKind,
  workload: WorkloadLike,
  trigger: RolloutTrigger,
  options: TriggerOptions,
): Promise<TriggerStarted> {
  switch (trigger.kind) {
    case 'restart':
    case 'image':
      return kind.trigger(api, workload, trigger);
    case 'cmd':
      return { generation: null, command: runCommand(trigger.command, options), description: `command: ${trigger.command}` };
    case 'none':
      return { generation: null, description: 'none (watching for a rollout started elsewhere)' };
  }
}

/** checkTrigger refuses, before any traffic, a trigger that cannot roll this workload. */
export function checkTrigger(kind: WorkloadKind, workload: WorkloadLike, trigger: RolloutTrigger): void {
  if (trigger.kind === 'restart' || trigger.kind === 'image') kind.checkTrigger(workload, trigger);
}

function runCommand(command: string, options: TriggerOptions): Promise<number> {
  mkdirSync(dirname(options.logPath), { recursive: true });
  const fd = openSync(options.logPath, 'a');
  return new Promise<number>((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
