import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';
import type { RolloutTrigger } from '../driver.js';
import type { KubeApi } from './kube-api.js';
import type { DeploymentLike } from './rollout-status.js';
import type { ContainerLike } from './pod-shape.js';

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
 * startTrigger starts the rollout: `restart` and `image` PATCH the Deployment
 * (strategic merge, as kubectl does), `cmd` runs a shell command with its output
 * in a log file, `none` does nothing and waits for someone else's rollout.
 */
export async function startTrigger(
  api: KubeApi,
  deployment: DeploymentLike,
  trigger: RolloutTrigger,
  options: TriggerOptions,
): Promise<TriggerStarted> {
  const name = deployment.metadata?.name ?? '';
  checkTrigger(deployment, trigger);
  switch (trigger.kind) {
    case 'restart': {
      const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
      const patched = await patch(api, name, body);
      return { generation: patched.metadata?.generation ?? null, description: 'restart (kubectl.kubernetes.io/restartedAt)' };
    }
    case 'image': {
      const container = imageContainer(deployment, trigger);
      const body = { spec: { template: { spec: { containers: [{ name: container, image: trigger.image }] } } } };
      const patched = await patch(api, name, body);
      return { generation: patched.metadata?.generation ?? null, description: `image ${container}=${trigger.image}` };
    }
    case 'cmd':
      return { generation: null, command: runCommand(trigger.command, options), description: `command: ${trigger.command}` };
    case 'none':
      return { generation: null, description: 'none (watching for a rollout started elsewhere)' };
  }
}

/** checkTrigger refuses, before any traffic, a trigger that cannot roll this Deployment. */
export function checkTrigger(deployment: DeploymentLike, trigger: RolloutTrigger): void {
  const name = deployment.metadata?.name ?? '';
  if ((trigger.kind === 'restart' || trigger.kind === 'image') && deployment.spec?.paused) {
    throw new UsageError(`deployment "${name}" is paused, so it would not roll; run \`kubectl rollout resume deployment/${name}\` first`);
  }
  if (trigger.kind === 'image') imageContainer(deployment, trigger);
}

function imageContainer(deployment: DeploymentLike, trigger: { container?: string }): string {
  const containers = ((deployment.spec?.template?.spec ?? {}) as { containers?: ContainerLike[] }).containers ?? [];
  const names = containers.map((c) => c.name ?? '');
  const container = trigger.container ?? (names.length === 1 ? names[0] : undefined);
  if (!container || !names.includes(container)) {
    throw new UsageError(
      `--trigger image=CONTAINER=IMAGE: name one of the containers of deployment "${deployment.metadata?.name ?? ''}": ${names.join(', ')}`,
    );
  }
  return container;
}

async function patch(api: KubeApi, name: string, body: object): Promise<DeploymentLike> {
  const options = api.options(k8s.PatchStrategy.StrategicMergePatch);
  return (await api.call(
    'patch',
    'deployments',
    () => api.apps.patchNamespacedDeployment({ name, namespace: api.namespace, body, fieldManager: 'rollcheck' }, options),
    name,
  )) as DeploymentLike;
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
