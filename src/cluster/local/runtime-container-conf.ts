import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './runtime-container-cli.js';

/**
 * CONTAINERS_CONF_TEXT is the podman configuration that works on hosts with
 * cgroup v1 and restricted rlimits (see the machine notes): podman's default
 * ulimits cannot be set there ("error setting rlimits … operation not
 * permitted"), and the systemd cgroup manager is not available.
 */
export const CONTAINERS_CONF_TEXT = `# written by rollcheck for its podman invocations (set CONTAINERS_CONF to use your own)
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
`;

/** ContainersConfOptions says where the generated config may go and what the user's environment holds. */
export interface ContainersConfOptions {
  /** env is the user's environment (Io.env); a CONTAINERS_CONF there always wins. */
  env: Record<string, string | undefined>;
  /** dir is a run or temp directory the config file is written into, when one is needed. */
  dir: string;
}

/** PreparedConf is the environment to run the engine CLI with, and which config it uses. */
export interface PreparedConf {
  env: Record<string, string>;
  /** confPath is the containers.conf podman will read; null when the user's own (or none) applies. */
  confPath: string | null;
  /** generated is true when rollcheck wrote the file itself. */
  generated: boolean;
}

/**
 * prepareContainersConf gives the environment for podman invocations: the
 * user's environment, plus CONTAINERS_CONF pointing to a generated file in
 * `dir` when the user has not set one (ROLLCHECK_CONTAINERS_CONF=none opts out).
 */
export function prepareContainersConf(options: ContainersConfOptions): PreparedConf {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  if (env.CONTAINERS_CONF) return { env, confPath: env.CONTAINERS_CONF, generated: false };
  if (env.ROLLCHECK_CONTAINERS_CONF === 'none') return { env, confPath: null, generated: false };
  mkdirSync(options.dir, { recursive: true });
  const confPath = join(options.dir, 'containers.conf');
  // runc is what works on cgroup v1; without it, leave podman's own runtime choice (crun) alone.
  const text = findExecutable('runc', env.PATH)
    ? CONTAINERS_CONF_TEXT
    : CONTAINERS_CONF_TEXT.replace(/^runtime = .*\n/m, '');
  writeFileSync(confPath, text);
  env.CONTAINERS_CONF = confPath;
  return { env, confPath, generated: true };
}
