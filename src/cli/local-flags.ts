import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseCountOrPercent, parseDurationMs, parseNonNegative, parsePositive } from '../parse.js';
import { DEFAULT_LOCAL_SETTINGS, type LocalApp, type LocalRuntimeSettings, type PreStopHook } from '../cluster/local/settings.js';
import type { PodRuntimeKind } from '../cluster/local/pod-runtime.js';
import { parseReadinessCheck, type ReadinessCheck } from '../cluster/local/probe-checks.js';
import { LOCAL_WORKLOAD_KINDS, readWorkloadSettings } from '../cluster/local/workload-settings.js';

const RUNTIMES: PodRuntimeKind[] = ['process', 'podman', 'docker'];
const ENTRYPOINTS = ['shell', 'exec', 'tini'] as const;

/** addLocalRuntimeOptions adds the embedded runtime's flags (shared by local, demo and scenario) to `cmd`. */
export function addLocalRuntimeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--app <name>', 'run the bundled demo app in every pod').choices(['demo']))
    .option('--cmd <command>', "run your own server in every pod (sh -c; it must listen on $HOST:$PORT), e.g. 'exec python3 -m http.server $PORT --bind $HOST'")
    .addOption(new Option('--entrypoint <kind>', "the demo app's entrypoint: shell (no exec), exec, or tini").choices([...ENTRYPOINTS]).default('exec'))
    .option('--replicas <n>', 'pods of the Deployment or StatefulSet', '3')
    .addOption(new Option('--workload <kind>', "the controller: deployment, statefulset (demo-0…, replaced highest first under the same name, no surge) or daemonset (one pod per node)").choices([...LOCAL_WORKLOAD_KINDS]).default('deployment'))
    .option('--nodes <n>', 'fake nodes (node-1…) the pods are spread over, fewest pods first', '1')
    .option('--partition <n>', 'StatefulSet: update only ordinals at or above this one')
    .option('--pdb <rule>', 'a PodDisruptionBudget over every pod of the app, old and new revisions (a selector of its labels): max-unavailable=N or min-available=N, N a count or a percentage of --replicas (rounded up); a drain\'s eviction beyond it gets 429 and is retried')
    .option('--traffic-policy <policy>', 'local: the Service sends traffic only to pods on node-1 (local=NODE for another), as internalTrafficPolicy: Local')
    .option('--eviction-retry <time>', 'how long a drain waits before retrying a refused eviction', '5s')
    .option('--max-surge <n|pct>', 'extra pods allowed during the rollout (count or %, rounded up; default 25%, a DaemonSet 0)')
    .option('--max-unavailable <n|pct>', 'pods that may be unavailable during the rollout (count or %, rounded down; default 25%, a DaemonSet 1)')
    .option('--min-ready <time>', 'minReadySeconds: how long a pod must stay ready to count as available', '0s')
    .option('--grace-period <time>', 'terminationGracePeriodSeconds, counted from the start of termination (preStop included)', '30s')
    .option('--prestop-sleep <time>', 'preStop hook that sleeps this long (e.g. 5s)')
    .option('--prestop-cmd <command>', 'preStop exec hook run inside the pod (sh -c)')
    .option('--endpoint-delay <time>', 'how long endpoint changes take to reach the Service proxy', '1s')
    .option('--readiness <probe>', 'readiness probe: http:PATH (GET, 2xx/3xx = ready), tcp (connect) or grpc[:SERVICE] (grpc.health.v1 Check = SERVING); default: follows --protocol (grpc → grpc, h2c/h2 → tcp, http1 → http:/healthz)')
    .option('--readiness-path <path>', 'readiness probe: HTTP GET path (2xx/3xx = ready; default /healthz)')
    .option('--readiness-period <time>', 'readiness probe period', '1s')
    .option('--service-port <port>', 'Service proxy port on 127.0.0.1 (default: a free one)')
    .option('--env <K=V>', 'environment variable for every pod (repeatable)', collect, [] as string[])
    .addOption(new Option('--rollout <how>', 'what the rollout changes: restart (new revision, same app)').choices(['restart']).default('restart'))
    .addOption(new Option('--runtime <kind>', 'how pods run: process (PID namespaces), podman or docker').choices(RUNTIMES).default('process'))
    .option('--image <image>', 'container image every pod runs (--runtime podman|docker)')
    .option('--image-new <image>', 'image the rollout moves to (default: the same image, restarted)')
    .option('--port <port>', 'the port the app listens on inside the container (--runtime podman|docker)', '8080')
    .option('--start-timeout <time>', 'how long the first pods may take to become ready', '60s');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** readLocalRuntimeSettings validates the runtime flags from commander's `opts()`; `logDir` is where pod logs go (default: a temp dir). */
export function readLocalRuntimeSettings(opts: Record<string, unknown>, logDir?: string): LocalRuntimeSettings {
  const text = (name: string): string | undefined => (opts[name] === undefined || opts[name] === null ? undefined : String(opts[name]));
  const replicas = parsePositive(text('replicas') ?? '3', '--replicas', true);
  if (replicas > 100) throw new UsageError(`--replicas: ${replicas} pods is too many for one machine; use at most 100`);
  const workload = readWorkloadSettings(
    { workload: text('workload'), nodes: text('nodes'), partition: text('partition'), pdb: text('pdb'), trafficPolicy: text('trafficPolicy'), maxSurge: text('maxSurge'), maxUnavailable: text('maxUnavailable') },
    (key) => `--${key}`,
    (t, key) => parseCountOrPercent(t, `--${key}`),
  );
  const { maxSurge, maxUnavailable } = workload;
  const zero = (v: { count: number } | { percent: number }): boolean => ('count' in v ? v.count : v.percent) === 0;
  if (zero(maxSurge) && zero(maxUnavailable)) {
    throw new UsageError('--max-surge and --max-unavailable are both 0, which Kubernetes refuses (the rollout could never start); set one of them above 0');
  }
  const graceMs = parseDurationMs(text('gracePeriod') ?? '30s', '--grace-period');
  const readinessPeriodMs = parseDurationMs(text('readinessPeriod') ?? '1s', '--readiness-period');
  if (readinessPeriodMs < 100) throw new UsageError('--readiness-period: must be at least 100ms; use e.g. 1s');
  const readinessPath = text('readinessPath') ?? '/healthz';
  if (!readinessPath.startsWith('/')) throw new UsageError(`--readiness-path: "${readinessPath}" must start with /; use e.g. /healthz`);
  const readiness = readReadiness(text('readiness'), text('readinessPath'), text('protocol'));
  const startTimeoutMs = parseDurationMs(text('startTimeout') ?? '60s', '--start-timeout');
  if (startTimeoutMs <= 0) throw new UsageError('--start-timeout: must be longer than 0; use e.g. 60s');
  const runtime = (text('runtime') ?? 'process') as PodRuntimeKind;
  if (!RUNTIMES.includes(runtime)) throw new UsageError(`--runtime: "${runtime}" is not a runtime; use process, podman or docker`);
  const image = text('image');
  const imageNew = text('imageNew');
  if (runtime === 'process' && (image || imageNew)) {
    throw new UsageError('--image/--image-new need a container runtime; add --runtime podman (or docker)');
  }
  return {
    ...DEFAULT_LOCAL_SETTINGS,
    runtime,
    app: readApp(opts),
    replicas,
    ...workload,
    evictionRetryMs: parseDurationMs(text('evictionRetry') ?? '5s', '--eviction-retry'),
    minReadyMs: parseDurationMs(text('minReady') ?? '0s', '--min-ready'),
    graceMs,
    preStop: readPreStop(text('prestopSleep'), text('prestopCmd')),
    endpointDelayMs: parseDurationMs(text('endpointDelay') ?? '1s', '--endpoint-delay'),
    readinessPath: readiness?.kind === 'http' ? readiness.path : readinessPath,
    ...(readiness && readiness.kind !== 'http' ? { readiness } : {}),
    readinessPeriodMs,
    servicePort: readPort(text('servicePort'), '--service-port', true),
    env: demoProtocolEnv(readApp(opts), readEnv((opts.env as string[] | undefined) ?? []), text('protocol')),
    rollout: 'restart',
    startTimeoutMs,
    ...(logDir ? { logDir: resolve(logDir) } : {}),
    ...(runtime !== 'process' ? { container: { image, imageNew, port: readPort(text('port') ?? '8080', '--port', false) } } : {}),
  };
}

function readApp(opts: Record<string, unknown>): LocalApp {
  const cmd = typeof opts.cmd === 'string' ? opts.cmd.trim() : undefined;
  if (cmd !== undefined && opts.app !== undefined) throw new UsageError('--app and --cmd: give only one of them');
  if (cmd === '') throw new UsageError("--cmd: the command is empty; use e.g. --cmd 'exec python3 -m http.server $PORT --bind $HOST'");
  if (cmd !== undefined) return { kind: 'cmd', command: cmd };
  const entrypoint = String(opts.entrypoint ?? 'exec');
  if (!(ENTRYPOINTS as readonly string[]).includes(entrypoint)) {
    throw new UsageError(`--entrypoint: "${entrypoint}" is not one of shell, exec, tini`);
  }
  return { kind: 'demo', entrypoint: entrypoint as 'shell' | 'exec' | 'tini' };
}

/**
 * readReadiness reads --readiness; without it (and without --readiness-path) the
 * probe follows --protocol as a Kubernetes manifest would: a grpc probe for gRPC,
 * a tcpSocket probe for HTTP/2 (the kubelet's httpGet speaks HTTP/1.1 only).
 */
function readReadiness(text: string | undefined, path: string | undefined, protocol: string | undefined): ReadinessCheck | undefined {
  if (text !== undefined && path !== undefined) throw new UsageError('--readiness and --readiness-path: give only one of them (e.g. --readiness http:/healthz)');
  if (text !== undefined) {
    const check = parseReadinessCheck(text);
    if (typeof check === 'string') throw new UsageError(`--readiness: ${check}`);
    return check;
  }
  if (path !== undefined) return undefined;
  if (protocol === 'grpc') return { kind: 'grpc', service: '' };
  if (protocol === 'h2c' || protocol === 'h2') return { kind: 'tcp' };
  return undefined;
}

/** demoProtocolEnv makes the demo app speak the traffic's protocol (DEMO_PROTOCOL) unless --env says otherwise. */
function demoProtocolEnv(app: LocalApp, env: Record<string, string>, protocol: string | undefined): Record<string, string> {
  if (app.kind !== 'demo' || env.DEMO_PROTOCOL !== undefined || (protocol !== 'grpc' && protocol !== 'h2c')) return env;
  return { ...env, DEMO_PROTOCOL: protocol };
}

function readPreStop(sleepText: string | undefined, command: string | undefined): PreStopHook {
  if (sleepText !== undefined && command !== undefined) throw new UsageError('--prestop-sleep and --prestop-cmd: give only one of them (a pod has one preStop hook)');
  if (sleepText !== undefined) {
    const ms = parseDurationMs(sleepText, '--prestop-sleep');
    return ms > 0 ? { kind: 'sleep', ms } : { kind: 'none' };
  }
  if (command !== undefined) {
    if (!command.trim()) throw new UsageError("--prestop-cmd: the command is empty; use e.g. --prestop-cmd 'sleep 5'");
    return { kind: 'exec', command };
  }
  return { kind: 'none' };
}

function readPort(value: string | undefined, flag: string, zeroMeansFree: boolean): number {
  if (value === undefined) return 0;
  const n = parseNonNegative(value, flag, true);
  if (n > 65535 || (n === 0 && !zeroMeansFree)) throw new UsageError(`${flag}: "${value}" is not a TCP port; use 1-65535`);
  return n;
}

function readEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const key = i > 0 ? pair.slice(0, i) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`--env: "${pair}" must look like NAME=value`);
    if (['HOST', 'PORT', 'POD_NAME'].includes(key)) throw new UsageError(`--env: ${key} is set by the runtime for each pod; choose another name`);
    env[key] = pair.slice(i + 1);
  }
  return env;
}
