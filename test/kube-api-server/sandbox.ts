// The kube sandbox: `npm run kube-sandbox -- --kubeconfig FILE [--replicas 3]
// [--entrypoint shell|exec|tini] [--prestop-sleep 2s] [--grace-period 3s]
// [--sidecar proxy] [--workload deployment|statefulset|daemonset|rollout] [--nodes 3] [--protocol grpc|h2c]
// [--strategy canary|blue-green] [--steps LIST] [--scale-down-delay 30s] [--auto-promotion false]`
// (`--help` prints what it serves, every flag and an example: sandbox-help.ts).
// It starts the HTTPS Kubernetes-API test server over the embedded runtime with
// Deployment and Service `demo` in `default` on Nodes node-1…node-N (cordon, drain through
// PodDisruptionBudgets and pods/eviction; and Jobs and Secrets, for `--runners`), writes a kubeconfig for it, prints
// `service: …` and `kubeconfig: …` once ready and runs until SIGINT/SIGTERM,
// then stops every pod and removes what it made (the kubeconfig included).
import { parseArgs } from 'node:util';
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDurationMs, parsePositive } from '../../src/parse.js';
import { isUsageError, UsageError } from '../../src/errors.js';
import { readStrategy } from '../../src/cli/strategy-flags.js';
import type { ProgressiveStrategy } from '../../src/cluster/local/progressive-strategy.js';
import { startLocalBackedCluster } from './local-backing.js';
import type { LocalBackedCluster } from './local-backing.js';
import { kubeconfigText } from './server.js';
import { createJobRunner, type JobRunner } from './jobs.js';
import { cliArgv } from '../helpers/built-cli.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SANDBOX_HELP, wantsHelp } from './sandbox-help.js';

const USAGE = 'usage (--help says more): npm run kube-sandbox -- --kubeconfig FILE [--replicas 3] [--entrypoint shell|exec|tini] [--prestop-sleep 2s] [--grace-period 3s] [--endpoint-delay 1s] [--env K=V] [--sidecar proxy] [--nodes 3] [--traffic-policy local[=NODE]] [--protocol grpc|h2c] [--workload deployment|statefulset|daemonset|rollout [--strategy canary|blue-green] [--steps LIST] [--scale-down-delay 30s] [--auto-promotion true|false]]';

/** SandboxOptions is what the sandbox's flags say. */
export interface SandboxOptions {
  kubeconfig: string;
  replicas: number;
  entrypoint: 'shell' | 'exec' | 'tini';
  prestopMs: number | null;
  graceMs: number;
  endpointDelayMs: number;
  env: Record<string, string>;
  /** sidecar 'proxy' puts a TCP proxy container in front of the app in every pod; it exits at SIGTERM. */
  sidecar: 'proxy' | null;
  /** workload 'statefulset' serves `demo` as a StatefulSet (pods demo-0…, replaced under the same name); 'daemonset' one pod per node; 'rollout' an Argo Rollout. */
  workload: 'deployment' | 'statefulset' | 'daemonset' | 'rollout';
  /** nodes is how many Nodes the pods are spread over (node-1 …; default 3). */
  nodes?: number;
  /** protocol makes `demo` a gRPC (or h2c) service: DEMO_PROTOCOL in its env, a grpc (h2c: tcpSocket) readiness probe. */
  protocol?: 'http1' | 'grpc' | 'h2c';
  /** strategy is the Rollout's (workload 'rollout'). */
  strategy?: ProgressiveStrategy;
  /** trafficPolicy: the Service is internalTrafficPolicy Local and traffic enters on `node` (its address is the proxy's; the other nodes get their own). */
  trafficPolicy?: { node: string };
}

/** readSandboxOptions reads the flags; bad input is a UsageError naming the fix. */
export function readSandboxOptions(argv: string[]): SandboxOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: 'string' },
        replicas: { type: 'string', default: '3' },
        entrypoint: { type: 'string', default: 'exec' },
        'prestop-sleep': { type: 'string' },
        'grace-period': { type: 'string', default: '30s' },
        'endpoint-delay': { type: 'string', default: '1s' },
        env: { type: 'string', multiple: true, default: [] },
        sidecar: { type: 'string' },
        workload: { type: 'string', default: 'deployment' },
        nodes: { type: 'string', default: '3' },
        protocol: { type: 'string', default: 'http1' },
        strategy: { type: 'string' },
        steps: { type: 'string' },
        'scale-down-delay': { type: 'string' },
        'auto-promotion': { type: 'string' },
        'traffic-policy': { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}; ${USAGE}`);
  }
  if (!values.kubeconfig) throw new UsageError(`--kubeconfig FILE is required (where to write the sandbox's kubeconfig); ${USAGE}`);
  const entrypoint = values.entrypoint as string;
  if (entrypoint !== 'shell' && entrypoint !== 'exec' && entrypoint !== 'tini') throw new UsageError(`--entrypoint: "${entrypoint}" is not one of shell, exec, tini`);
  if (values.sidecar !== undefined && values.sidecar !== 'proxy') throw new UsageError(`--sidecar: "${values.sidecar}" is not a known sidecar; the one there is: proxy`);
  const workload = values.workload as string;
  if (workload !== 'deployment' && workload !== 'statefulset' && workload !== 'daemonset' && workload !== 'rollout') throw new UsageError(`--workload: "${workload}" is not one of deployment, statefulset, daemonset, rollout`);
  const protocol = values.protocol as string;
  if (protocol !== 'http1' && protocol !== 'grpc' && protocol !== 'h2c') throw new UsageError(`--protocol: "${protocol}" is not one of http1, grpc, h2c`);
  const strategy = readStrategy({ strategy: values.strategy ?? (workload === 'rollout' ? 'blue-green' : 'rolling'), steps: values.steps, scaleDownDelay: values['scale-down-delay'] });
  if (strategy && workload !== 'rollout') throw new UsageError('--strategy canary|blue-green needs --workload rollout (an Argo Rollout)');
  if (!strategy && workload === 'rollout') throw new UsageError('--workload rollout needs --strategy canary or blue-green');
  const auto = values['auto-promotion'];
  if (auto !== undefined && auto !== 'true' && auto !== 'false') throw new UsageError(`--auto-promotion: "${auto}" is neither true nor false`);
  if (auto !== undefined && strategy?.kind !== 'blue-green') throw new UsageError('--auto-promotion is blue-green\'s autoPromotionEnabled: add --workload rollout --strategy blue-green');
  if (auto === 'false' && strategy?.kind === 'blue-green') strategy.autoPromotionEnabled = false;
  const trafficPolicy = readTrafficPolicyFlag(values['traffic-policy'], parsePositive(values.nodes as string, '--nodes', true));
  // Only a DaemonSet's pods are placed by the runtime as the API shows them (one per node), which a node-local proxy needs.
  if (trafficPolicy && workload !== 'daemonset') throw new UsageError('--traffic-policy local needs --workload daemonset (the sandbox routes node-locally by where its runtime placed the pods, which matches the API for a DaemonSet only)');
  const env: Record<string, string> = {};
  for (const kv of values.env as string[]) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--env: "${kv}" is not K=V`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return {
    kubeconfig: resolve(values.kubeconfig),
    replicas: parsePositive(values.replicas as string, '--replicas', true),
    entrypoint,
    prestopMs: values['prestop-sleep'] ? parseDurationMs(values['prestop-sleep'], '--prestop-sleep') : null,
    graceMs: parseDurationMs(values['grace-period'] as string, '--grace-period'),
    endpointDelayMs: parseDurationMs(values['endpoint-delay'] as string, '--endpoint-delay'),
    env,
    sidecar: values.sidecar === 'proxy' ? 'proxy' : null,
    workload,
    nodes: parsePositive(values.nodes as string, '--nodes', true),
    protocol,
    ...(strategy ? { strategy } : {}),
    ...(trafficPolicy ? { trafficPolicy } : {}),
  };
}

// readTrafficPolicyFlag reads --traffic-policy local (traffic enters on node-1) or local=NODE.
function readTrafficPolicyFlag(value: string | undefined, nodes: number): { node: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^local(?:=(.+))?$/.exec(value);
  if (!m) throw new UsageError(`--traffic-policy: "${value}" is not local or local=NODE (the Service's internalTrafficPolicy: Local, traffic entering on NODE)`);
  const node = m[1] ?? 'node-1';
  const names = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
  if (!names.includes(node)) throw new UsageError(`--traffic-policy: ${node} is not one of this sandbox's nodes (${names.join(', ')}; --nodes sets how many)`);
  return { node };
}

/** startSandbox starts the sandbox and writes its kubeconfig; close() stops it and removes the file. */
export async function startSandbox(o: SandboxOptions): Promise<LocalBackedCluster & { kubeconfig: string; jobs: JobRunner }> {
  // Jobs and Secrets, for `rollcheck run --runners N`: a Job's pods run the real `rollcheck runner`
  // from this checkout (built when the build is fresh), whatever --runner-image says. The Job part needs the server's store, made with the server.
  const late: { jobs?: JobRunner } = {};
  const route = (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => (late.jobs ? late.jobs.route(req, res, url) : Promise.resolve(false));
  const cluster = await startLocalBackedCluster({
    app: { kind: 'demo', entrypoint: o.entrypoint },
    replicas: o.replicas,
    graceMs: o.graceMs,
    preStop: o.prestopMs === null ? { kind: 'none' } : { kind: 'sleep', ms: o.prestopMs },
    endpointDelayMs: o.endpointDelayMs,
    readinessPeriodMs: 500,
    env: o.env,
    ...(o.workload === 'statefulset' ? { ordinals: { partition: 0 } } : {}),
    ...(o.strategy ? { strategy: o.strategy } : {}),
    ...(o.trafficPolicy ? { trafficPolicy: o.trafficPolicy } : {}),
  }, { sidecar: o.sidecar === 'proxy', route, nodes: o.nodes ?? 3, daemonset: o.workload === 'daemonset', ...(o.protocol && o.protocol !== 'http1' ? { protocol: o.protocol } : {}) });
  const jobs = createJobRunner({ store: cluster.server.store, command: cliArgv });
  late.jobs = jobs;
  writeFileSync(o.kubeconfig, kubeconfigText(cluster.server.url, cluster.server.caPem, cluster.server.token, 'default', 'rollcheck-sandbox'), { mode: 0o600 });
  return {
    ...cluster,
    kubeconfig: o.kubeconfig,
    jobs,
    async close() {
      rmSync(o.kubeconfig, { force: true });
      await jobs.close();
      await cluster.close();
    },
  };
}

async function main(): Promise<number> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(SANDBOX_HELP);
    return 0;
  }
  let options: SandboxOptions;
  try {
    options = readSandboxOptions(process.argv.slice(2));
  } catch (e) {
    if (!isUsageError(e)) throw e;
    process.stderr.write(`kube-sandbox: ${e.message}\n`);
    return 2;
  }
  const sandbox = await startSandbox(options);
  process.stdout.write(`service: ${sandbox.proxyUrl.replace(/\/?$/, '/')}\nkubeconfig: ${sandbox.kubeconfig}\n`);
  const signal = await new Promise<string>((r) => {
    process.once('SIGINT', () => r('SIGINT'));
    process.once('SIGTERM', () => r('SIGTERM'));
  });
  process.stderr.write(`kube-sandbox: ${signal}, stopping the pods\n`);
  await sandbox.close();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`kube-sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
