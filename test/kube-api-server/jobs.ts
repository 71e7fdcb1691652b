// Jobs in the API test server: a created Indexed Job becomes N pods, each a
// real process running the command of the pod template (for rollcheck's runner
// Job: the real `rollcheck runner`), its stdout kept as the pod's log and served
// through pods/log (follow=true streams until the container exits). DELETE of a
// Job with propagationPolicy=Foreground terminates the pods first (SIGTERM, then
// SIGKILL after the grace period) and removes the Job once they are gone.
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
const LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;
const INDEX = 'batch.kubernetes.io/job-completion-index';

/** createJobRunner makes the Job part of the test server over `store`. */
export function createJobRunner(o: JobRunnerOptions): JobRunner {
  const procs = new Map<string, PodProc>();
  const requests: string[] = [];
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
    const container = template.spec.containers[0];
    const [cmd, argv] = o.command(container?.args ?? []);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, JOB_COMPLETION_INDEX: String(index) } });
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

  const removePod = (name: string): void => {
    o.store.remove('pods', name);
    procs.delete(name);
    for (const job of o.store.list('jobs')) {
      if (job.metadata.deletionTimestamp && !o.store.list('pods').some((p) => p.metadata.labels?.['job-name'] === job.metadata.name)) {
        o.store.remove('jobs', job.metadata.name);
      }
    }
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
    if (pods.length === 0) o.store.remove('jobs', name);
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
    propagation,
    async route(req, res, url) {
      const log = LOG.exec(url.pathname);
      if (log && req.method === 'GET') {
        requests.push('get pods/log');
        followLog(log[1] as string, log[2] as string, url, res);
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
  containers: Array<{ name: string; args?: string[] }>;
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
