// Jobs in the API test server: a created Indexed Job becomes N pods, each a
// real process running the command of the pod template (for rollcheck's runner
// Job: the real `rollcheck runner`), its stdout kept as the pod's log and served
// through pods/log (follow=true streams until the container exits). DELETE of a
// Job with propagationPolicy=Foreground terminates the pods first (SIGTERM, then
// SIGKILL after the grace period) and removes the Job once they are gone.
// Secrets (create, get, merge patch, delete) are kept here too, for the env a
// pod takes from one (valueFrom.secretKeyRef): a pod whose Secret is missing waits,
// as the kubelet's CreateContainerConfigError does, and a Secret owned by a Job
// is garbage-collected with it.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, KubeStore } from './store.js';

/** JobRunnerOptions say how a pod's container becomes a process. */
export interface JobRunnerOptions {
  store: KubeStore;
  /** command maps a container's args to the process to run: e.g. the rollcheck CLI from source. */
  command(args: string[]): [string, string[]];
  /** unschedulable leaves every pod Pending with PodScheduled=False (a cluster without room). */
  unschedulable?: boolean;
  /** graceMs caps the termination grace (the pod template's by default). */
  graceMs?: number;
}

/** JobRunner serves jobs and pods/log; `route` answers the requests it owns. */
export interface JobRunner {
  /** requests is every "VERB resource" this part answered ("create jobs", "get pods/log"). */
  requests: string[];
  /** created is every Job and Secret as it was created, in order (they are gone from the store after the run). */
  created: KubeObject[];
  /** propagation is the propagationPolicy of each Job DELETE ('' when none was given). */
  propagation: string[];
  route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** killPod SIGKILLs a pod's process, as an OOM kill or a node loss would end it. */
  killPod(name: string): boolean;
  /** livePods is how many pod processes still run. */
  livePods(): number;
  close(): Promise<void>;
}

interface PodProc {
  name: string;
  ns: string;
  child: ChildProcess | null;
  out: Buffer[];
  followers: Set<ServerResponse>;
  exited: boolean;
  graceMs: number;
}

const JOBS = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/;
const SECRETS = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;
const LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;
const INDEX = 'batch.kubernetes.io/job-completion-index';

/** createJobRunner makes the Job part of the test server over `store`. */
export function createJobRunner(o: JobRunnerOptions): JobRunner {
  const procs = new Map<string, PodProc>();
  const requests: string[] = [];
  const created: KubeObject[] = [];
  const propagation: string[] = [];
  const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const patchPod = (name: string, f: (p: KubeObject) => void): void => {
    const pod = o.store.get('pods', name);
    if (!pod) return;
    const next = structuredClone(pod);
    f(next);
    o.store.put('pods', next);
  };

  const startPod = (job: KubeObject, ns: string, index: number): void => {
    const jobName = job.metadata.name;
    const template = (job.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } }).template;
    const name = `${jobName}-${index}-${Math.random().toString(36).slice(2, 7)}`;
    const labels = { ...(template.metadata?.labels ?? {}), 'job-name': jobName, [INDEX]: String(index) };
    o.store.put('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, annotations: { [INDEX]: String(index) }, ownerReferences: [{ kind: 'Job', name: jobName, apiVersion: 'batch/v1' }] },
      spec: structuredClone(template.spec),
      status: o.unschedulable
        ? { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] }
        : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
    });
    const graceMs = Math.min(o.graceMs ?? Infinity, (template.spec.terminationGracePeriodSeconds ?? 30) * 1000);
    const proc: PodProc = { name, ns, child: null, out: [], followers: new Set(), exited: false, graceMs };
    procs.set(name, proc);
    if (o.unschedulable) return;
    runContainer(proc, template.spec, index);
  };

  // The kubelet's part: resolve the env, then start the container's process; a missing Secret is tried again.
  const runContainer = (proc: PodProc, spec: PodSpec, index: number): void => {
    const { name, ns } = proc;
    const pod = o.store.get('pods', name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const container = spec.containers[0];
    const env = containerEnv(container, ns);
    if (typeof env === 'string') {
      const waiting = { name: container?.name ?? 'runner', ready: false, state: { waiting: { reason: 'CreateContainerConfigError', message: env } } };
      patchPod(name, (p) => (p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [waiting] }));
      setTimeout(() => runContainer(proc, spec, index), 500).unref();
      return;
    }
    const [cmd, argv] = o.command(container?.args ?? []);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env, JOB_COMPLETION_INDEX: String(index) } });
    proc.child = child;
    child.stdout?.on('data', (d: Buffer) => {
      proc.out.push(d);
      for (const f of proc.followers) f.write(d);
    });
    child.once('spawn', () =>
      patchPod(name, (p) => (p.status = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: container?.name ?? 'runner', ready: true, state: { running: { startedAt: now() } } }] })),
    );
    child.once('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      const finish = (): void => {
        proc.exited = true;
        for (const f of proc.followers) f.end();
        proc.followers.clear();
        patchPod(name, (p) => {
          p.status = { phase: exitCode === 0 ? 'Succeeded' : 'Failed', containerStatuses: [{ name: container?.name ?? 'runner', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: now() } } }] };
        });
        if (o.store.get('pods', name)?.metadata.deletionTimestamp) removePod(name);
      };
      // The log stream ends only after everything the process wrote was delivered.
      if (child.stdout?.readableEnded) finish();
      else child.stdout?.once('end', finish);
    });
  };

  /** containerEnv is a container's env with secretKeyRef values resolved, or why it cannot start. */
  const containerEnv = (c: PodSpec['containers'][number] | undefined, ns: string): Record<string, string> | string => {
    const env: Record<string, string> = {};
    for (const e of c?.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref === undefined) {
        env[e.name] = e.value ?? '';
        continue;
      }
      const secret = o.store.get('secrets', ref.name);
      const data = (secret?.data as Record<string, string> | undefined)?.[ref.key];
      if (!secret || (secret.metadata.namespace ?? 'default') !== ns) return `secret "${ref.name}" not found`;
      if (data === undefined) return `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`;
      env[e.name] = Buffer.from(data, 'base64').toString('utf8');
    }
    return env;
  };

  const removePod = (name: string): void => {
    o.store.remove('pods', name);
    procs.delete(name);
    for (const job of o.store.list('jobs')) {
      if (job.metadata.deletionTimestamp && !o.store.list('pods').some((p) => p.metadata.labels?.['job-name'] === job.metadata.name)) {
        removeJob(job);
      }
    }
  };

  // The garbage collector: what the Job owned goes with it.
  const removeJob = (job: KubeObject): void => {
    o.store.remove('jobs', job.metadata.name);
    for (const secret of o.store.list('secrets')) {
      const owners = (secret.metadata.ownerReferences ?? []) as Array<{ uid?: string }>;
      if (owners.some((r) => r.uid === job.metadata.uid)) o.store.remove('secrets', secret.metadata.name);
    }
  };

  const secrets = async (req: IncomingMessage, res: ServerResponse, ns: string, name: string | undefined): Promise<void> => {
    const verb = req.method === 'POST' ? 'create' : req.method === 'DELETE' ? 'delete' : req.method === 'PATCH' ? 'patch' : name ? 'get' : 'list';
    requests.push(`${verb} secrets`);
    const current = name ? o.store.get('secrets', name) : undefined;
    if (verb === 'create') {
      const secret = JSON.parse(await readText(req)) as KubeObject & { stringData?: Record<string, string>; data?: Record<string, string> };
      if (o.store.get('secrets', secret.metadata.name)) return status(res, 409, 'AlreadyExists', `secrets "${secret.metadata.name}" already exists`);
      // As the API server: stringData is written into data (base64) and never stored.
      const { stringData, ...rest } = secret;
      const data = { ...(rest.data ?? {}) };
      for (const [k, v] of Object.entries(stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
      const stored = o.store.put('secrets', { ...rest, metadata: { ...rest.metadata, namespace: ns }, data });
      created.push(structuredClone(stored));
      return json(res, 201, stored);
    }
    if (!current || (current.metadata.namespace ?? 'default') !== ns) return status(res, 404, 'NotFound', `secrets "${name ?? ''}" not found`);
    if (verb === 'get') return json(res, 200, current);
    if (verb === 'delete') {
      o.store.remove('secrets', current.metadata.name);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    }
    if (verb === 'patch') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/merge-patch+json')) {
        return status(res, 415, 'UnsupportedMediaType', `the test server merges secrets with application/merge-patch+json only, not ${req.headers['content-type'] ?? 'none'}`);
      }
      const patch = JSON.parse(await readText(req)) as { metadata?: Record<string, unknown> };
      return json(res, 200, o.store.put('secrets', { ...current, metadata: { ...current.metadata, ...(patch.metadata ?? {}) } }));
    }
    return status(res, 405, 'MethodNotAllowed', `${verb} secrets is not supported by the test server`);
  };

  const terminatePod = (name: string): void => {
    const proc = procs.get(name);
    patchPod(name, (p) => {
      p.metadata.deletionTimestamp = now();
      p.metadata.deletionGracePeriodSeconds = Math.round((proc?.graceMs ?? 0) / 1000);
    });
    if (!proc?.child || proc.exited) return removePod(name);
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child?.kill('SIGKILL'), proc.graceMs);
    proc.child.once('exit', () => clearTimeout(timer));
  };

  const deleteJob = (ns: string, name: string, res: ServerResponse): void => {
    const job = o.store.get('jobs', name);
    if (!job || (job.metadata.namespace ?? 'default') !== ns) return status(res, 404, 'NotFound', `jobs.batch "${name}" not found`);
    const deleting = structuredClone(job);
    deleting.metadata.deletionTimestamp = now();
    deleting.metadata.finalizers = ['foregroundDeletion'];
    const stored = o.store.put('jobs', deleting);
    const pods = o.store.list('pods').filter((p) => p.metadata.labels?.['job-name'] === name);
    for (const p of pods) terminatePod(p.metadata.name);
    if (pods.length === 0) removeJob(stored);
    json(res, 200, stored);
  };

  const followLog = (ns: string, name: string, url: URL, res: ServerResponse): void => {
    const proc = procs.get(name);
    if (!proc || proc.ns !== ns) return status(res, 404, 'NotFound', `pods "${name}" not found`);
    if (!proc.child) return status(res, 400, 'BadRequest', `container "runner" in pod "${name}" is waiting to start: ContainerCreating`);
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    for (const c of proc.out) res.write(c);
    if (url.searchParams.get('follow') !== 'true' || proc.exited) return void res.end();
    proc.followers.add(res);
    res.on('close', () => proc.followers.delete(res));
  };

  return {
    requests,
    created,
    propagation,
    async route(req, res, url) {
      const log = LOG.exec(url.pathname);
      if (log && req.method === 'GET') {
        requests.push('get pods/log');
        followLog(log[1] as string, log[2] as string, url, res);
        return true;
      }
      const sec = SECRETS.exec(url.pathname);
      if (sec) {
        await secrets(req, res, sec[1] as string, sec[2]);
        return true;
      }
      const m = JOBS.exec(url.pathname);
      if (!m) return false;
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      const verb = req.method === 'POST' ? 'create' : req.method === 'DELETE' ? 'delete' : name ? 'get' : 'list';
      requests.push(`${verb} jobs`);
      if (verb === 'create') {
        const job = JSON.parse(await readText(req)) as KubeObject & { spec: { completions?: number; completionMode?: string } };
        if (o.store.get('jobs', job.metadata.name)) return (status(res, 409, 'AlreadyExists', `jobs.batch "${job.metadata.name}" already exists`), true);
        job.metadata.namespace = ns;
        const stored = o.store.put('jobs', { ...job, status: { active: job.spec.completions ?? 1 } });
        created.push(structuredClone(stored));
        for (let i = 0; i < (job.spec.completions ?? 1); i += 1) startPod(stored, ns, i);
        json(res, 201, stored);
      } else if (verb === 'delete' && name) {
        propagation.push(url.searchParams.get('propagationPolicy') ?? '');
        deleteJob(ns, name, res);
      }
      else if (verb === 'get' && name) {
        const job = o.store.get('jobs', name);
        if (job) json(res, 200, job);
        else status(res, 404, 'NotFound', `jobs.batch "${name}" not found`);
      } else if (verb === 'list') {
        json(res, 200, { kind: 'JobList', apiVersion: 'batch/v1', metadata: { resourceVersion: '0' }, items: o.store.list('jobs').filter((j) => j.metadata.namespace === ns) });
      } else status(res, 405, 'MethodNotAllowed', `${verb} jobs is not supported by the test server`);
      return true;
    },
    killPod(name) {
      const proc = procs.get(name);
      if (!proc?.child || proc.exited) return false;
      return proc.child.kill('SIGKILL');
    },
    livePods: () => [...procs.values()].filter((p) => p.child && !p.exited).length,
    async close() {
      await Promise.all(
        [...procs.values()].map(async (p) => {
          if (!p.child || p.exited || p.child.exitCode !== null || p.child.signalCode !== null) return;
          const gone = new Promise((r) => p.child?.once('exit', r));
          p.child.kill('SIGKILL');
          await gone;
        }),
      );
    },
  };
}

interface PodSpec {
  containers: Array<{
    name: string;
    args?: string[];
    env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  }>;
  terminationGracePeriodSeconds?: number;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
