import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { PodRuntimeFactoryOptions } from './create-pod-runtime.js';
import { epochNowMs } from '../../results/clock.js';
import type { PodHandle, PodRuntime, PodSpec } from './pod-runtime.js';
import type { ContainerCli, ContainerEngine } from './runtime-container-cli.js';
import {
  checkEngineReachable,
  checkImage,
  explainRunFailure,
  resolveContainerCli,
} from './runtime-container-check.js';
import { prepareContainersConf } from './runtime-container-conf.js';
import { createContainerPod } from './runtime-container-pod.js';
import { removeContainers, sweepOrphans } from './runtime-container-sweep.js';

/** LABEL_RUN is the label every container of a run carries (value: the run id). */
export const LABEL_RUN = 'io.rollcheck.run';
/** LABEL_OWNER is the label holding the PID of the rollcheck process that owns the container. */
export const LABEL_OWNER = 'io.rollcheck.owner-pid';

/** ContainerRuntimeOptions configure the podman/docker runtime for one run. */
export interface ContainerRuntimeOptions {
  engine: ContainerEngine;
  /** image is what every pod runs (`--image`). */
  image: string;
  /** imageNew is what pods of the rollout's new revision run (`--image-new`); default: `image`. */
  imageNew?: string;
  /** containerPort is the port the app listens on inside the container (`--port`, default 8080). */
  containerPort?: number;
  /** runId labels the run's containers so that all of them can be found and removed. */
  runId: string;
  /** env is the user's environment (Io.env): PATH to find the engine, CONTAINERS_CONF. */
  env: Record<string, string | undefined>;
  /** runDir is where the generated containers.conf goes (default: $XDG_CACHE_HOME/rollcheck, else ~/.cache/rollcheck). */
  runDir?: string;
  /** runArgs are extra `engine run` flags (e.g. ['--memory', '64m']), before the image. */
  runArgs?: string[];
  /**
   * imageFor picks the image of a pod. Default: `spec.image` when the driver
   * sets one, else `image` for the first revision seen and `imageNew` for later ones.
   */
  imageFor?: (spec: PodSpec) => string;
}

/** ContainerRuntime is a PodRuntime whose pods are podman/docker containers. */
export interface ContainerRuntime extends PodRuntime {
  readonly cli: ContainerCli;
  /** setRevisionImage makes pods of `revision` run `image` (for a rollout to a new image). */
  setRevisionImage(revision: string, image: string): void;
  useImageForNextRevision(image: string): Promise<void>;
}

/**
 * createContainerRuntime makes the podman/docker PodRuntime. Each pod is one
 * container of the user's image, published on its own 127.0.0.1 port; signals
 * are the engine's `kill --signal`, so a shell entrypoint as PID 1 ignores
 * SIGTERM exactly as it does under the kubelet.
 */
export function createContainerRuntime(options: ContainerRuntimeOptions): ContainerRuntime {
  const conf = prepareContainersConf({
    env: options.env,
    dir: options.runDir ?? defaultRunDir(options.env),
  });
  const cli = resolveContainerCli(options.engine, conf.env);
  const containerPort = options.containerPort ?? 8080;
  const live = new Map<string, PodHandle>();
  const revisionImages = new Map<string, string>();
  const checkedImages = new Set<string>();
  let nextImage = options.imageNew ?? options.image;
  let checked: Promise<void> | undefined;
  let exitHook: (() => void) | undefined;
  // Set once cleanupAll began: a `run` still in flight then must not leave its container behind.
  let closed = false;

  const imageOf = (spec: PodSpec): string => {
    const own = (spec as PodSpec & { image?: string }).image;
    if (own) return own;
    if (options.imageFor) return options.imageFor(spec);
    let image = revisionImages.get(spec.revision);
    if (!image) {
      image = revisionImages.size === 0 ? options.image : nextImage;
      revisionImages.set(spec.revision, image);
    }
    return image;
  };

  const ensureImage = async (image: string): Promise<void> => {
    if (checkedImages.has(image)) return;
    await checkImage(
      cli,
      image,
      containerPort,
      image === options.image ? '--image' : '--image-new',
    );
    checkedImages.add(image);
  };

  const check = (): Promise<void> => {
    checked ??= (async () => {
      await checkEngineReachable(cli);
      await sweepOrphans(cli, LABEL_OWNER);
      await ensureImage(options.image);
      if (options.imageNew) await ensureImage(options.imageNew);
    })();
    return checked;
  };

  // A crash or a hard exit skips cleanupAll: remove what is left synchronously on the way out.
  const armExitHook = (): void => {
    if (exitHook) return;
    exitHook = () => {
      if (live.size === 0) return;
      const ids = [...live.keys()];
      cli.runSync(['rm', '-f', ...(cli.engine === 'podman' ? ['-t', '0'] : []), ...ids]);
    };
    process.on('exit', exitHook);
  };

  const start = async (spec: PodSpec): Promise<PodHandle> => {
    await check();
    const image = imageOf(spec);
    await ensureImage(image);
    const containerName = `rollcheck-${options.runId}-${spec.name}`.replace(
      /[^a-zA-Z0-9_.-]/g,
      '-',
    );
    for (let attempt = 1; ; attempt++) {
      const hostPort = await freeLoopbackPort();
      const args = runArgs(spec, {
        containerName,
        hostPort,
        containerPort,
        image,
        runId: options.runId,
        extra: options.runArgs,
      });
      armExitHook();
      live.set(containerName, placeholder(spec.name, hostPort));
      const r = await cli.run(args, { timeoutMs: 120_000 });
      if (r.code === 0 && closed) {
        await removeContainers(cli, [containerName]);
        live.delete(containerName);
        throw new UsageError('interrupted while starting pods; nothing was recorded');
      }
      if (r.code === 0) {
        const pid = await hostPidOf(cli, containerName);
        const handle = createContainerPod({
          cli,
          name: spec.name,
          containerName,
          address: { host: '127.0.0.1', port: hostPort },
          pid,
          // A remote engine's PIDs are not ours to signal: only a local podman's.
          directSignals:
            cli.engine === 'podman' && !cli.env.CONTAINER_HOST && !cli.env.CONTAINER_CONNECTION,
          logPath: spec.logPath,
          startedEpochMs: epochNowMs(),
          onGone: () => void live.delete(containerName),
        });
        live.set(containerName, handle);
        return handle;
      }
      // A failed run may still have created the container: never leave it behind.
      await removeContainers(cli, [containerName]);
      live.delete(containerName);
      const failure = explainRunFailure(cli.engine, image, r.stderr);
      if (!failure.retryPort || attempt >= 3) throw failure.error;
    }
  };

  return {
    kind: options.engine,
    cli,
    check,
    start,
    setRevisionImage: (revision, image) => void revisionImages.set(revision, image),
    async useImageForNextRevision(image) {
      await ensureImage(image);
      nextImage = image;
    },
    async cleanupAll(): Promise<void> {
      closed = true;
      const pending = [...live.values()].map((h) => h.exited);
      await removeContainers(
        cli,
        [...live.keys()],
        options.runId ? `${LABEL_RUN}=${options.runId}` : undefined,
      );
      await settleWithin(Promise.all(pending), 15_000);
      live.clear();
      if (exitHook) process.off('exit', exitHook);
      exitHook = undefined;
    },
  };
}

/**
 * createContainerRuntimeFor is the container case of createPodRuntime: the
 * runtime for `--runtime podman|docker` from the local settings (`--image`,
 * `--image-new`, `--port`), with a fresh run id for the containers' label.
 */
export function createContainerRuntimeFor(
  engine: ContainerEngine,
  options: PodRuntimeFactoryOptions,
): ContainerRuntime {
  const c = options.settings.container ?? {};
  if (!c.image) {
    throw new UsageError(
      `--runtime ${engine} needs --image IMAGE (the image each pod runs); or use --runtime process`,
    );
  }
  return createContainerRuntime({
    engine,
    image: c.image,
    imageNew: c.imageNew,
    containerPort: c.port ?? 8080,
    runId: `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    env: options.env,
  });
}

interface RunArgsInput {
  containerName: string;
  hostPort: number;
  containerPort: number;
  image: string;
  runId: string;
  extra?: string[];
}

/** runArgs builds `engine run -d …` for one pod: labels, published port, environment, no pulling. */
function runArgs(spec: PodSpec, a: RunArgsInput): string[] {
  const env: Record<string, string> = {
    ...spec.env,
    HOST: '0.0.0.0',
    PORT: String(a.containerPort),
    POD_NAME: spec.name,
  };
  return [
    'run',
    '-d',
    '--pull',
    'never',
    '--name',
    a.containerName,
    '--hostname',
    spec.name.slice(0, 63),
    '--label',
    `${LABEL_RUN}=${a.runId}`,
    '--label',
    `${LABEL_OWNER}=${process.pid}`,
    '--label',
    `io.rollcheck.pod=${spec.name}`,
    '--label',
    `io.rollcheck.revision=${spec.revision}`,
    '-p',
    `127.0.0.1:${a.hostPort}:${a.containerPort}`,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(a.extra ?? []),
    a.image,
  ];
}

async function hostPidOf(cli: ContainerCli, containerName: string): Promise<number | undefined> {
  const r = await cli.run(['inspect', '--format', '{{.State.Pid}}', containerName], {
    timeoutMs: 30_000,
  });
  const pid = Number(r.stdout.trim());
  return r.code === 0 && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** placeholder stands for a container being created, so that cleanup finds it even mid-start. */
function placeholder(name: string, port: number): PodHandle {
  return {
    name,
    address: { host: '127.0.0.1', port },
    signal: () => undefined,
    exited: Promise.resolve({ exitCode: null, signal: null, epochMs: 0 }),
  };
}

/** settleWithin waits for `p` but at most `ms`, without leaving a timer behind. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** freeLoopbackPort asks the kernel for a free 127.0.0.1 port (the engine binds it right after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// The generated containers.conf outlives a run (later runs reuse it), so it goes to the user's cache, not the temp dir.
function defaultRunDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'rollcheck');
}
