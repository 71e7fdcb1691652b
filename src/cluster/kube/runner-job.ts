import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';
import { loadKubeAccess, type KubeConfigSettings } from './kube-config.js';
import { createKubeApi } from './kube-api.js';
import { explainKubeError, statusCodeOf } from './api-errors.js';

/** RUN_LABEL carries the run id on the Job and its pods. */
export const RUN_LABEL = 'rollcheck.dev/run';
const INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';
const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** RunnerJobSettings describe the Indexed Job that carries a run's runners. */
export interface RunnerJobSettings extends KubeConfigSettings {
  runId: string;
  image: string;
  /** startDelayMs is how long the pods get to start before the common start. */
  startDelayMs: number;
  /** maxRunMs bounds the Job (activeDeadlineSeconds) beyond the start delay. */
  maxRunMs: number;
  /** specEnv is the variable the runner reads its spec from (the runner protocol's), filled from the run's Secret. */
  specEnv: string;
}

/** RunnerPodChannel is one runner pod as the coordinator follows it (structurally the fleet's RunnerChannel). */
export interface RunnerPodChannel {
  index: number;
  name: string;
  lines: AsyncIterable<string>;
  stop(): void;
  goneReason(): Promise<string | undefined>;
}

const SPEC_KEY = 'spec';

/** RunnerJobSpec is the part of a runner's spec the Job needs: the JSON it passes and how many runners. */
export interface RunnerJobSpec {
  index: number;
  count: number;
}

interface PodSeen {
  name: string;
  phase: string;
  running: boolean;
  gone?: string;
  waiters: Array<() => void>;
}

/**
 * createRunnerJob runs a run's runners as one Indexed Job (parallelism =
 * completions = N, backoffLimit 0, labelled with the run id), follows each pod's
 * log through pods/log with follow=true, and deletes the Job with foreground
 * propagation so that no runner pod outlives the run. The runners' spec (URL,
 * headers, body: possibly credentials) goes in a Secret the pods read it from,
 * never in the Job's own spec, which anyone who may read Jobs sees; the Secret is
 * owned by the Job (garbage-collected with it) and deleted at cleanup. Verbs
 * used: jobs create, get, delete; secrets create, patch, delete; pods watch;
 * pods/log get (manifests/rbac-runners.yaml).
 */
export function createRunnerJob(settings: RunnerJobSettings) {
  const access = loadKubeAccess(settings);
  const api = createKubeApi(access);
  const batch = access.kc.makeApiClient(k8s.BatchV1Api);
  const core = access.kc.makeApiClient(k8s.CoreV1Api);
  const namespace = access.namespace;
  const jobName = `rollcheck-runners-${settings.runId}`.slice(0, 63);
  const pods = new Map<number, PodSeen>();
  let watch: AbortController | undefined;
  const logs: AbortController[] = [];
  let problem: (e: Error) => void = () => undefined;
  const problemP = new Promise<never>((_, reject) => (problem = reject));
  problemP.catch(() => undefined);
  let created = false;
  let secretCreated = false;
  let deleting: Promise<void> | undefined;

  const seen = (index: number): PodSeen => {
    let p = pods.get(index);
    if (!p) pods.set(index, (p = { name: '', phase: 'Pending', running: false, waiters: [] }));
    return p;
  };
  const wake = (p: PodSeen): void => p.waiters.splice(0).forEach((w) => w());
  const onPod = (type: string, pod: k8s.V1Pod): void => {
    const raw = pod.metadata?.labels?.[INDEX_LABEL] ?? pod.metadata?.annotations?.[INDEX_ANNOTATION];
    if (raw === undefined) return;
    const p = seen(Number(raw));
    p.name = pod.metadata?.name ?? p.name;
    p.phase = pod.status?.phase ?? p.phase;
    const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
    if (unschedulable && !p.running) {
      problem(new UsageError(`runner pod ${p.name} cannot be scheduled (${unschedulable.message ?? 'Unschedulable'}); lower --runners or free capacity in ${namespace}`));
    }
    if (p.phase !== 'Pending') p.running = true;
    const term = pod.status?.containerStatuses?.[0]?.state?.terminated;
    if (type === 'DELETED') p.gone ??= `pod ${p.name} deleted`;
    else if (pod.status?.reason === 'Evicted') p.gone ??= `pod ${p.name} evicted: ${pod.status.message ?? ''}`.trim();
    else if (term) p.gone ??= `container exited ${term.exitCode}${term.reason ? ` (${term.reason})` : ''}`;
    wake(p);
  };
  const waitRunning = async (index: number, signal: AbortSignal): Promise<PodSeen> => {
    const p = seen(index);
    while (!p.running && !p.gone && !signal.aborted) await new Promise<void>((r) => p.waiters.push(r));
    return p;
  };

  async function* follow(index: number, signal: AbortSignal): AsyncGenerator<string> {
    const p = await waitRunning(index, signal);
    if (!p.running || signal.aborted) return;
    const out = new PassThrough();
    const lines = createInterface({ input: out });
    const log = new k8s.Log(access.kc);
    try {
      logs.push(await log.log(namespace, p.name, 'runner', out, { follow: true }));
    } catch (e) {
      p.gone ??= `its log could not be read (pods/log get: ${statusCodeOf(e) ?? String(e)})`;
      return;
    }
    yield* lines;
  }

  return {
    jobName,
    namespace,
    startDelayMs: settings.startDelayMs,
    clockMethod: 'pod log (one way): lower bound from the freshest line, upper from the Job creation',
    async launch(specs: Array<RunnerJobSpec & object>, signal: AbortSignal): Promise<RunnerPodChannel[]> {
      const n = specs.length;
      const first = specs[0];
      if (!first) return [];
      // One pod template for every index: each runner takes its index from JOB_COMPLETION_INDEX.
      const spec = JSON.stringify({ ...first, index: -1 });
      const labels = { [RUN_LABEL]: settings.runId, 'app.kubernetes.io/name': 'rollcheck-runner' };
      const secret: k8s.V1Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: jobName, labels }, type: 'Opaque', stringData: { [SPEC_KEY]: spec } };
      await api.call('create', 'secrets', (o) => core.createNamespacedSecret({ namespace, body: secret }, o), jobName);
      secretCreated = true;
      const body: k8s.V1Job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: jobName, labels },
        spec: {
          completionMode: 'Indexed',
          completions: n,
          parallelism: n,
          backoffLimit: 0,
          ttlSecondsAfterFinished: 300,
          activeDeadlineSeconds: Math.ceil((settings.startDelayMs + settings.maxRunMs) / 1000) + 120,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: 'runner',
                  image: settings.image,
                  args: ['runner'],
                  env: [{ name: settings.specEnv, valueFrom: { secretKeyRef: { name: jobName, key: SPEC_KEY } } }],
                },
              ],
            },
          },
        },
      };
      const job = await api.call('create', 'jobs', (o) => batch.createNamespacedJob({ namespace, body }, o), jobName);
      created = true;
      // Owned by the Job, the Secret goes with it even when this process cannot clean up (killed, network lost).
      const owner = { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata?.uid ?? '', blockOwnerDeletion: false };
      const merge = api.options(k8s.PatchStrategy.MergePatch);
      const ownedBy = { metadata: { ownerReferences: [owner] } };
      await api.call('patch', 'secrets', () => core.patchNamespacedSecret({ name: jobName, namespace, body: ownedBy }, merge), jobName);
      watch = await new k8s.Watch(access.kc).watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: `${RUN_LABEL}=${settings.runId}` },
        (type, obj: k8s.V1Pod) => onPod(type, obj),
        (err) => {
          if (!err || signal.aborted || deleting) return;
          for (const p of pods.values()) {
            p.gone ??= `the pod watch ended: ${String(err)}`;
            wake(p);
          }
        },
      );
      signal.addEventListener('abort', () => pods.forEach(wake), { once: true });
      return specs.map((s) => ({
        index: s.index,
        get name() {
          return pods.get(s.index)?.name || `${jobName}-${s.index}`;
        },
        lines: follow(s.index, signal),
        // Runners hear one thing: SIGTERM, from the Job's deletion (pods: no delete verb needed).
        stop: () => void deleteJob().catch(() => undefined),
        goneReason: async () => {
          const p = pods.get(s.index);
          if (p && !p.gone) await new Promise((r) => setTimeout(r, 1000));
          return p?.gone ?? (p?.running ? undefined : `pod never ran (phase ${p?.phase ?? 'not created'})`);
        },
      }));
    },
    waitProblem: () => problemP,
    /** cleanup deletes the Job (foreground: its pods first) and waits until no runner pod is left. */
    async cleanup(): Promise<void> {
      await deleteJob();
      // Foreground: the Job stays until its pods are gone, so "Job gone" means "no runner left".
      const until = Date.now() + 60_000;
      while (created && Date.now() < until) {
        const gone = await batch.readNamespacedJob({ name: jobName, namespace }, api.options()).then(
          () => false,
          // 404 is the answer awaited; any other error means this cannot be checked, so stop asking.
          () => true,
        );
        if (gone) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      watch?.abort();
      logs.forEach((l) => l.abort());
      await deleteSecret();
    },
  };

  function deleteJob(): Promise<void> {
    if (!created) return Promise.resolve();
    const call = { verb: 'delete', resource: 'jobs', name: jobName, namespace, server: access.server };
    deleting ??= batch
      .deleteNamespacedJob({ name: jobName, namespace, propagationPolicy: 'Foreground' }, api.options())
      .then(() => undefined)
      .catch((e: unknown) => {
        if (statusCodeOf(e) === 404) return;
        deleting = undefined;
        throw explainKubeError(e, call);
      });
    return deleting;
  }

  async function deleteSecret(): Promise<void> {
    if (!secretCreated) return;
    await core.deleteNamespacedSecret({ name: jobName, namespace }, api.options()).then(
      () => (secretCreated = false),
      (e: unknown) => {
        // Gone already (the garbage collector followed the Job): nothing left to do.
        if (statusCodeOf(e) === 404) secretCreated = false;
        else throw explainKubeError(e, { verb: 'delete', resource: 'secrets', name: jobName, namespace, server: access.server });
      },
    );
  }
}

/** RunnerJob is a launched (or launchable) runner Job. */
export type RunnerJob = ReturnType<typeof createRunnerJob>;
