import { formatMs as ms } from '../../format-ms.js';
import { parseCountOrPercent } from '../../parse.js';
import type { DriverEntry } from '../driver-entry.js';
import type { DriverTraits } from '../driver.js';
import type { SettingsReader } from '../settings-reader.js';
import { DEFAULT_LOCAL_SETTINGS, describeApp, describePdb, workloadKindOf, type LocalRuntimeSettings } from './settings.js';
import { describeStrategy } from './progressive-strategy.js';
import { parseReadinessCheck } from './probe-checks.js';
import { readWorkloadSettings } from './workload-settings.js';

/** LOCAL_TRAITS: the embedded runtime builds its own front door on this machine, and its runners are local processes. */
export const LOCAL_TRAITS: DriverTraits = { runnersInCluster: false, userFrontDoor: false };

const KEYS = [
  'runtime',
  'app',
  'entrypoint',
  'command',
  'image',
  'image-new',
  'port',
  'replicas',
  'grace-period',
  'prestop-sleep',
  'prestop-cmd',
  'max-surge',
  'max-unavailable',
  'min-ready',
  'endpoint-delay',
  'readiness',
  'readiness-path',
  'readiness-period',
  'env',
  'start-timeout',
  'workload',
  'nodes',
  'partition',
  'pdb',
  'traffic-policy',
  'eviction-retry',
];

/**
 * localEntry registers the embedded runtime as the driver `local`: its scenario
 * keys are the flags of `rollcheck local`; its checks ask the runtime itself
 * (PID namespaces, or the container engine and every image a step names).
 */
export const localEntry: DriverEntry<LocalRuntimeSettings> = {
  name: 'local',
  traits: LOCAL_TRAITS,
  settingKeys: KEYS,
  defaults: () => ({ ...DEFAULT_LOCAL_SETTINGS, env: {} }),
  readSettings: readLocalSettings,
  refuseTrigger(s, trigger) {
    if (trigger.kind === 'image' && s.runtime === 'process') {
      return 'an image rollout needs a container target (target.local.runtime: podman or docker) or a kube target';
    }
    if (trigger.kind === 'cmd') return 'a cmd rollout needs a kube target; on the local runtime use "rollout: restart"';
    return undefined;
  },
  async check(settings, env, rollouts) {
    const { checkLocalTarget } = await import('./check-local-target.js');
    return checkLocalTarget(settings, env, rollouts);
  },
  describe: describeLocalTarget,
  target: (s) => ({
    workload: { kind: workloadKindOf(s), name: s.app.kind === 'demo' ? 'demo' : 'app' },
    ...(s.trafficPolicy ? { trafficPolicy: { node: s.trafficPolicy.node } } : {}),
  }),
  params(s) {
    const { env, ...settings } = s;
    return { ...settings, envKeys: Object.keys(env) };
  },
  async load() {
    const { createLocalDriver } = await import('./local-driver.js');
    return { create: (settings, ctx, env) => createLocalDriver({ ...settings, logDir: settings.logDir ?? env.podLogDir }, ctx, { env: env.env, cwd: env.cwd }) };
  },
};

function readLocalSettings(r: SettingsReader): LocalRuntimeSettings {
  const s: LocalRuntimeSettings = { ...DEFAULT_LOCAL_SETTINGS, env: {} };
  const runtime = r.str('runtime') ?? 'process';
  if (runtime !== 'process' && runtime !== 'podman' && runtime !== 'docker') {
    r.fail('runtime', `"${runtime}" is not a runtime; use process, podman or docker`);
  }
  s.runtime = runtime;
  const command = r.str('command');
  const entrypoint = r.str('entrypoint') ?? 'exec';
  if (entrypoint !== 'shell' && entrypoint !== 'exec' && entrypoint !== 'tini') {
    r.fail('entrypoint', `"${entrypoint}" is not shell, exec or tini`);
  }
  const app = r.str('app') ?? 'demo';
  if (app !== 'demo') r.fail('app', `"${app}" is not an app rollcheck has; use "app: demo" or "command: …"`);
  s.app = command ? { kind: 'cmd', command } : { kind: 'demo', entrypoint };
  if (runtime !== 'process') {
    const image = r.str('image') ?? r.fail(undefined, `"image" is missing: runtime ${runtime} runs each pod from an image`);
    const port = r.int('port', 1) ?? 8080;
    const imageNew = r.str('image-new');
    s.container = { image, port, ...(imageNew ? { imageNew } : {}) };
  } else {
    for (const key of ['image', 'image-new', 'port']) {
      if (r.has(key)) r.fail(key, 'only container runtimes use it; add "runtime: podman" or remove it');
    }
  }
  s.replicas = r.int('replicas', 1) ?? s.replicas;
  s.graceMs = r.durationMs('grace-period') ?? s.graceMs;
  const sleep = r.durationMs('prestop-sleep');
  const cmd = r.str('prestop-cmd');
  if (sleep !== undefined && cmd !== undefined) r.fail(undefined, 'give either prestop-sleep or prestop-cmd, not both');
  s.preStop = sleep !== undefined ? { kind: 'sleep', ms: sleep } : cmd ? { kind: 'exec', command: cmd } : { kind: 'none' };
  readWorkloadKeys(r, s);
  s.minReadyMs = r.durationMs('min-ready') ?? s.minReadyMs;
  s.endpointDelayMs = r.durationMs('endpoint-delay') ?? s.endpointDelayMs;
  s.startTimeoutMs = r.durationMs('start-timeout') ?? s.startTimeoutMs;
  s.readinessPath = r.str('readiness-path') ?? s.readinessPath;
  s.readinessPeriodMs = r.durationMs('readiness-period') ?? s.readinessPeriodMs;
  if (!s.readinessPath.startsWith('/')) r.fail('readiness-path', 'must start with "/", e.g. /healthz');
  const readinessText = r.str('readiness');
  const readiness = readinessText === undefined ? undefined : parseReadinessCheck(readinessText);
  if (typeof readiness === 'string') r.fail('readiness', readiness);
  if (readiness !== undefined && r.has('readiness-path')) r.fail(undefined, 'give either readiness or readiness-path, not both');
  if (readiness?.kind === 'http') s.readinessPath = readiness.path;
  else if (readiness) s.readiness = readiness;
  s.env = r.map('env') ?? {};
  return s;
}

// readWorkloadKeys reads the controller, its nodes, PDB and traffic policy, and the strategy (a DaemonSet's defaults differ).
function readWorkloadKeys(r: SettingsReader, s: LocalRuntimeSettings): void {
  const text = (key: string): string | undefined => (r.has(key) ? String(r.str(key)) : undefined);
  const t = { workload: text('workload'), nodes: text('nodes'), partition: text('partition'), pdb: text('pdb'), trafficPolicy: text('traffic-policy'), maxSurge: text('max-surge'), maxUnavailable: text('max-unavailable') };
  // Each value is checked at its own line first, the combination then at the target's.
  const one = (key: string, part: Partial<typeof t>): void => void r.parse(key, () => readWorkloadSettings(part, (k) => k, parseCountOrPercent));
  if (t.workload !== undefined) one('workload', { workload: t.workload });
  if (t.nodes !== undefined) one('nodes', { nodes: t.nodes });
  if (t.partition !== undefined) one('partition', { workload: 'statefulset', partition: t.partition });
  if (t.pdb !== undefined) one('pdb', { pdb: t.pdb });
  if (t.trafficPolicy !== undefined) one('traffic-policy', { trafficPolicy: t.trafficPolicy });
  try {
    Object.assign(s, readWorkloadSettings(t, (k) => k, parseCountOrPercent));
  } catch (e) {
    r.fail(undefined, e instanceof Error ? e.message : String(e));
  }
  const retry = r.durationMs('eviction-retry');
  if (retry !== undefined) s.evictionRetryMs = retry;
}

/** describeLocalTarget is one line about an embedded-runtime target. */
function describeLocalTarget(s: LocalRuntimeSettings): string {
  const app =
    s.runtime === 'process'
      ? describeApp(s)
      : `image ${s.container?.image ?? '?'}${s.container?.imageNew ? ` → ${s.container.imageNew}` : ''}, port ${s.container?.port ?? 8080}`;
  const preStop = s.preStop.kind === 'none' ? 'none' : s.preStop.kind === 'sleep' ? `sleep ${ms(s.preStop.ms)}` : `exec "${s.preStop.command}"`;
  const kind = workloadKindOf(s);
  const owner = kind === 'statefulset' ? ' (StatefulSet)' : kind === 'rollout' && s.strategy ? ` (Argo Rollout, ${describeStrategy(s.strategy)})` : '';
  const shape = kind === 'daemonset' ? `a DaemonSet on ${s.nodes ?? 1} nodes` : `${s.replicas} replicas${owner}${(s.nodes ?? 1) > 1 ? ` on ${s.nodes} nodes` : ''}`;
  const extras = `${s.pdb ? `, PDB ${describePdb(s.pdb)}` : ''}${s.trafficPolicy ? `, traffic policy local (${s.trafficPolicy.node})` : ''}`;
  return `local runtime ${s.runtime}, ${app}, ${shape}${extras}, grace ${ms(s.graceMs)}, preStop ${preStop}, endpoint delay ${ms(s.endpointDelayMs)}`;
}
