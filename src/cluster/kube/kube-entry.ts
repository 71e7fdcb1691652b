import { parseUrl } from '../../parse.js';
import type { DriverEntry } from '../driver-entry.js';
import type { DriverTraits } from '../driver.js';
import type { SettingsReader } from '../settings-reader.js';
import type { KubeDriverSettings } from './kube-driver.js';
import type { WorkloadRef } from '../../results/types.js';
import { parseWorkloadRef } from './workload-ref.js';
import { parsePromoteMode } from './workloads/rollout-options.js';

// Light on purpose: the registry imports this file for every run; @kubernetes/client-node loads only in load() and check().

/** KUBE_TRAITS: the URL is the user's front door, and `--runners N` runs its runners as a Job inside the cluster. */
export const KUBE_TRAITS: DriverTraits = { runnersInCluster: true, userFrontDoor: true };

const KEYS = ['deployment', 'workload', 'url', 'service', 'namespace', 'context', 'kubeconfig', 'inspect-pid1', 'promote', 'abort-at'];

/**
 * kubeEntry registers the Kubernetes driver as `kube`: a scenario's kube target
 * names the workload (`deployment: NAME`) and the URL; its check loads the
 * kubeconfig without contacting the cluster.
 */
export const kubeEntry: DriverEntry<KubeDriverSettings> = {
  name: 'kube',
  traits: KUBE_TRAITS,
  settingKeys: KEYS,
  defaults: () => ({ workload: { kind: 'deployment', name: '' }, url: '' }),
  readSettings: readKubeSettings,
  refuseTrigger: () => undefined,
  async check(settings, env) {
    const { loadKubeAccess } = await import('./kube-config.js');
    const access = loadKubeAccess({ ...where(settings), env: env.env, cwd: env.cwd });
    return [`kubeconfig (${access.source}) has context ${access.context}, namespace ${access.namespace}, server ${access.server}; the cluster itself is not contacted`];
  },
  describe(s) {
    const at = [s.context ? `context ${s.context}` : '', s.namespace ? `namespace ${s.namespace}` : ''].filter(Boolean).join(', ');
    return `kube ${s.workload.kind}/${s.workload.name}${s.service ? ` (service ${s.service})` : ''}${at ? `, ${at}` : ''}; traffic to ${s.url}`;
  },
  target: (s) => ({ workload: { ...s.workload }, pid1OnRequest: true, ...(s.inspectPid1 ? { inspectPid1: true } : {}) }),
  params(s) {
    const { env: _env, cwd: _cwd, logDir: _logDir, trigger: _trigger, ...rest } = s;
    return rest;
  },
  afterInterrupt: (s) => `kubectl rollout status${s.namespace ? ` -n ${s.namespace}` : ''} ${s.workload.kind}/${s.workload.name}`,
  async load() {
    const { createKubeDriver } = await import('./kube-driver.js');
    return {
      create: (settings, ctx, env) =>
        createKubeDriver({ ...settings, env: settings.env ?? env.env, cwd: settings.cwd ?? env.cwd, logDir: settings.logDir ?? env.logDir }, ctx),
    };
  },
};

function readKubeSettings(r: SettingsReader): KubeDriverSettings {
  // `workload: statefulset/NAME` names any kind; `deployment: NAME` stays the short form.
  const ref = r.has('workload')
    ? (r.parse('workload', (t) => parseWorkloadRef(t, 'workload')) as WorkloadRef)
    : { kind: 'deployment', name: r.str('deployment') ?? r.fail(undefined, '"workload" or "deployment" is missing (the workload to roll: workload: statefulset/NAME, or deployment: NAME)') };
  if (!r.has('url')) r.fail(undefined, '"url" is missing (where traffic goes: Ingress, LoadBalancer or NodePort address)');
  const url = r.parse('url', (t) => parseUrl(t, 'url').toString()) as string;
  const opt = (key: 'service' | 'namespace' | 'context' | 'kubeconfig'): Partial<KubeDriverSettings> => {
    const v = r.str(key);
    return v !== undefined ? { [key]: v } : {};
  };
  return {
    workload: ref,
    url,
    ...opt('service'),
    ...opt('namespace'),
    ...opt('context'),
    ...opt('kubeconfig'),
    ...(r.bool('inspect-pid1') ? { inspectPid1: true } : {}),
    ...readRolloutKeys(r, ref.kind),
  };
}

// readRolloutKeys reads `promote: auto|manual` and `abort-at: STEP` of a rollout target (either on another kind fails at its line).
function readRolloutKeys(r: SettingsReader, kind: string): Pick<KubeDriverSettings, 'rollout'> {
  const abortAtStep = r.int('abort-at');
  const stray = r.has('promote') ? 'promote' : abortAtStep !== undefined ? 'abort-at' : undefined;
  if (kind !== 'rollout') return stray ? r.fail(stray, `"${stray}" is for an Argo Rollout; name one with workload: rollout/NAME`) : {};
  const promote = r.parse('promote', (t) => parsePromoteMode(t, 'promote')) ?? 'auto';
  return { rollout: { promote, ...(abortAtStep !== undefined ? { abortAtStep } : {}) } };
}

function where(s: KubeDriverSettings): { kubeconfig?: string; context?: string; namespace?: string } {
  return {
    ...(s.kubeconfig ? { kubeconfig: s.kubeconfig } : {}),
    ...(s.context ? { context: s.context } : {}),
    ...(s.namespace ? { namespace: s.namespace } : {}),
  };
}
