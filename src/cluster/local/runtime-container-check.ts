import { UsageError } from '../../errors.js';
import type { ContainerCli, ContainerEngine } from './runtime-container-cli.js';
import { createContainerCli, findExecutable, firstLine } from './runtime-container-cli.js';

const CONF_FIX =
  'on hosts with cgroup v1 or restricted rlimits point CONTAINERS_CONF to a containers.conf with ' +
  '[containers] default_ulimits = [] and [engine] runtime = "runc", cgroup_manager = "cgroupfs"';

/** resolveContainerCli finds the engine binary, or says in one line that it is not installed. */
export function resolveContainerCli(
  engine: ContainerEngine,
  env: Record<string, string>,
): ContainerCli {
  const path = findExecutable(engine, env.PATH);
  if (!path) {
    const install =
      engine === 'podman' ? 'install podman (apt-get install podman runc)' : 'install Docker';
    throw new UsageError(
      `--runtime ${engine}: ${engine} is not installed (not on PATH); ${install}, or use --runtime process`,
    );
  }
  return createContainerCli(engine, path, env);
}

/** checkEngineReachable fails with a UsageError naming the fix when the engine cannot run containers. */
export async function checkEngineReachable(cli: ContainerCli): Promise<void> {
  const r = await cli.run(['info', '--format', '{{json .}}'], { timeoutMs: 30_000 });
  if (r.code === 0) return;
  const why = r.timedOut
    ? 'it did not answer within 30 s'
    : firstLine(r.stderr) || `exit code ${String(r.code)}`;
  if (cli.engine === 'docker') {
    throw new UsageError(
      `--runtime docker: docker is installed but its engine is not reachable (${why}); start the Docker daemon, or use --runtime podman or process`,
    );
  }
  throw new UsageError(`--runtime podman: podman cannot run (${why}); ${CONF_FIX}`);
}

/** ImageFacts is what rollcheck reads from an image before running it. */
export interface ImageFacts {
  id: string;
  /** exposedPorts lists the image's EXPOSE entries as "8080/tcp"; empty when it declares none. */
  exposedPorts: string[];
}

/** checkImage fails with a UsageError when the image is not on this machine or does not expose `port`. */
export async function checkImage(
  cli: ContainerCli,
  image: string,
  port: number,
  flag = '--image',
): Promise<ImageFacts> {
  const r = await cli.run(['image', 'inspect', '--format', '{{json .}}', image], {
    timeoutMs: 30_000,
  });
  if (r.code !== 0) {
    throw new UsageError(
      `${flag}: image "${image}" is not on this machine (${firstLine(r.stderr) || 'not found'}); ` +
        `build or pull it first (${cli.engine} build -t ${image} . / ${cli.engine} pull ${image}) or check its name`,
    );
  }
  const facts = parseImageInspect(r.stdout);
  if (
    facts.exposedPorts.length > 0 &&
    !facts.exposedPorts.some((p) => p.split('/')[0] === String(port))
  ) {
    throw new UsageError(
      `--port: image "${image}" exposes ${facts.exposedPorts.join(', ')}, not ${port}; ` +
        `use --port ${facts.exposedPorts[0]?.split('/')[0] ?? port} (the port the app listens on inside the container)`,
    );
  }
  return facts;
}

/** parseImageInspect reads the id and EXPOSE list from `image inspect --format '{{json .}}'` (podman or docker). */
export function parseImageInspect(text: string): ImageFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() || '{}');
  } catch {
    return { id: '', exposedPorts: [] };
  }
  const o = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | undefined;
  const config = (o?.Config ?? o?.config ?? {}) as Record<string, unknown>;
  const exposed = (config.ExposedPorts ?? {}) as Record<string, unknown>;
  return { id: typeof o?.Id === 'string' ? o.Id : '', exposedPorts: Object.keys(exposed).sort() };
}

/** RunFailure is why `engine run` could not start a container, and whether another port may help. */
export interface RunFailure {
  error: UsageError;
  retryPort: boolean;
}

/** explainRunFailure turns `engine run` error output into one line with the fix. */
export function explainRunFailure(
  engine: ContainerEngine,
  image: string,
  stderr: string,
): RunFailure {
  const line = firstLine(stderr);
  const lower = stderr.toLowerCase();
  if (lower.includes('address already in use') || lower.includes('port is already allocated')) {
    return {
      error: new UsageError(`${engine} run: ${line}; the published port was taken, try again`),
      retryPort: true,
    };
  }
  if (
    lower.includes('rlimit') ||
    lower.includes('cgroup') ||
    lower.includes('oci permission denied')
  ) {
    return {
      error: new UsageError(`${engine} run ${image}: ${line}; ${CONF_FIX}`),
      retryPort: false,
    };
  }
  if (lower.includes('executable file not found') || lower.includes('no such file or directory')) {
    return {
      error: new UsageError(
        `${engine} run ${image}: the image's entrypoint cannot start (${line}); fix ENTRYPOINT/CMD in the image`,
      ),
      retryPort: false,
    };
  }
  return {
    error: new UsageError(`${engine} run ${image}: ${line || 'failed'}; run it by hand to see why`),
    retryPort: false,
  };
}
