import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import type { PodRuntime, PodRuntimeKind } from './pod-runtime.js';
import { createProcessRuntime } from './runtime-process.js';
import { createContainerRuntimeFor } from './runtime-podman.js';
import type { LocalRuntimeSettings } from './settings.js';

/** PodRuntimeFactoryOptions is what any runtime may need: the settings, host environment and working directory. */
export interface PodRuntimeFactoryOptions {
  settings: LocalRuntimeSettings;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * createPodRuntime picks the runtime `--runtime` names. Container runtimes
 * (podman, docker) plug in here: add a case that returns their PodRuntime.
 */
export function createPodRuntime(kind: PodRuntimeKind, options: PodRuntimeFactoryOptions): PodRuntime {
  switch (kind) {
    case 'process': {
      const inheritEnv = { ...options.env, PATH: podPath(options.env.PATH) };
      return createProcessRuntime({ argv: processArgv({ ...options, env: inheritEnv }), cwd: options.cwd, inheritEnv });
    }
    case 'podman':
    case 'docker':
      return createContainerRuntimeFor(kind, options);
    default: {
      const never: never = kind;
      throw new UsageError(`--runtime ${String(never)}: unknown runtime; use process, podman or docker`);
    }
  }
}


/** demoDir finds manifests/demo (source tree or installed package), where the demo app and its entrypoints live. */
export function demoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'manifests', 'demo');
    if (existsSync(join(candidate, 'app.mjs'))) return candidate;
    dir = dirname(dir);
  }
  throw new UsageError('cannot find the bundled demo app (manifests/demo/app.mjs); reinstall rollcheck or use --cmd');
}

// What a container's PATH usually is, when the caller's environment has none.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** podPath is the pods' PATH: the caller's (or a container's default), with the running Node's folder first so the demo app finds `node`. */
function podPath(path: string | undefined): string {
  const nodeDir = dirname(process.execPath);
  const rest = (path || DEFAULT_PATH).split(delimiter).filter((d) => d && d !== nodeDir);
  return [nodeDir, ...rest].join(delimiter);
}

/** processArgv is PID 1's command line for the process runtime. */
function processArgv(options: PodRuntimeFactoryOptions): string[] {
  const app = options.settings.app;
  if (app.kind === 'cmd') return ['/bin/sh', '-c', app.command];
  if (app.entrypoint === 'tini' && !onPath('tini', options.env.PATH)) {
    throw new UsageError('--entrypoint tini: tini is not installed; install it (apt-get install tini) or use --entrypoint exec');
  }
  if (!onPath('node', options.env.PATH)) {
    throw new UsageError('the demo app needs `node` on PATH inside the pods; add it to PATH or use --cmd');
  }
  return [join(demoDir(), `entrypoint-${app.entrypoint}.sh`)];
}

function onPath(bin: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
