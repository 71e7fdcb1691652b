// A Kubernetes API test server: HTTPS with a test CA, bearer-token auth, a
// configurable 403 per verb+resource, list + watch (resourceVersion, BOOKMARK,
// ERROR 410, droppable streams) for pods, endpointslices, events; get/list/patch
// deployments; get/list services; delete pods. It serves what a KubeStore holds,
// in the JSON shapes of shared/notes/kubernetes.md; a model (kube-model.ts)
// changes the store as a cluster would.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, KubeStore } from './store.js';
import { createKubeStore } from './store.js';
import { makeTestCerts } from './certs.js';
import type { TestCerts } from './certs.js';

/** ResourceInfo maps a URL resource to its list kind and API version. */
const RESOURCES: Record<string, { prefix: string; kind: string; apiVersion: string }> = {
  pods: { prefix: '/api/v1', kind: 'Pod', apiVersion: 'v1' },
  events: { prefix: '/api/v1', kind: 'Event', apiVersion: 'v1' },
  services: { prefix: '/api/v1', kind: 'Service', apiVersion: 'v1' },
  endpointslices: { prefix: '/apis/discovery.k8s.io/v1', kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1' },
  deployments: { prefix: '/apis/apps/v1', kind: 'Deployment', apiVersion: 'apps/v1' },
};

/** KubeApiServerOptions configures the test server. */
export interface KubeApiServerOptions {
  store?: KubeStore;
  token?: string;
  /** How often an open watch gets a BOOKMARK (ms). */
  bookmarkMs?: number;
  /** End every watch cleanly after this long, as a real server does at its watch timeout. */
  watchLifetimeMs?: number;
  /** onPatch lets the model react to a Deployment PATCH (start a rollout, scale). */
  onPatch?(name: string, before: KubeObject, after: KubeObject): void;
  /** route answers requests another part of the server owns (jobs.ts: jobs, pods/log); true when it did. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** onDeletePod lets the model terminate a pod (graceSeconds from the request, if any). */
  onDeletePod?(name: string, graceSeconds: number | undefined): boolean;
}

/** KubeApiServer is a running test server. */
export interface KubeApiServer {
  url: string;
  token: string;
  store: KubeStore;
  /** requests is every "VERB resource" the server answered, e.g. "watch pods", "patch deployments". */
  requests: string[];
  /** watches is the query of every watch request, in order (resourceVersion '' when none). */
  watchLog: Array<{ resource: string; resourceVersion: string; bookmarks: boolean }>;
  /** patches is the Content-Type and body of each PATCH. */
  patches: Array<{ contentType: string; body: unknown }>;
  forbid(verb: string, resource: string): void;
  /** dropWatches destroys open watch connections mid-stream (a network cut). */
  dropWatches(resource?: string): number;
  /** expireWatches compacts the history and sends ERROR 410 to open watches. */
  expireWatches(resource?: string): number;
  watchCount(resource?: string): number;
  /** writeKubeconfig writes a kubeconfig for this server and returns its path (caPem '' leaves the CA out). */
  writeKubeconfig(dir: string, options?: { token?: string; namespace?: string; context?: string; caPem?: string }): string;
  close(): Promise<void>;
}

let certs: TestCerts | null = null;

interface OpenWatch {
  resource: string;
  res: ServerResponse;
  close(): void;
}

/** startKubeApiServer listens on 127.0.0.1 port 0 over HTTPS. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer & { caPem: string }> {
  certs ??= makeTestCerts();
  const store = options.store ?? createKubeStore();
  const token = options.token ?? 'test-token-0123456789abcdef';
  const forbidden = new Set<string>();
  const watches = new Set<OpenWatch>();
  const requests: string[] = [];
  const patches: Array<{ contentType: string; body: unknown }> = [];
  const watchLog: Array<{ resource: string; resourceVersion: string; bookmarks: boolean }> = [];
  const ctx = { store, options, watches, requests, patches, forbidden, token, watchLog };
  const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    handle(ctx, req, res).catch((e: unknown) => status(res, 500, 'InternalError', String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const caPem = certs.caPem;
  const pick = (resource?: string) => [...watches].filter((w) => !resource || w.resource === resource);
  return {
    url,
    token,
    store,
    caPem,
    requests,
    patches,
    watchLog,
    forbid: (verb, resource) => void forbidden.add(`${verb} ${resource}`),
    dropWatches(resource) {
      const open = pick(resource);
      for (const w of open) {
        w.close();
        w.res.socket?.destroy();
      }
      return open.length;
    },
    expireWatches(resource) {
      store.compact();
      const open = pick(resource);
      for (const w of open) {
        w.res.write(JSON.stringify({ type: 'ERROR', object: expiredStatus() }) + '\n');
        w.close();
        w.res.end();
      }
      return open.length;
    },
    watchCount: (resource) => pick(resource).length,
    writeKubeconfig(dir, o = {}) {
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, kubeconfigText(url, o.caPem ?? caPem, o.token ?? token, o.namespace ?? 'default', o.context ?? 'test'));
      return path;
    },
    async close() {
      for (const w of watches) w.close();
      for (const w of watches) w.res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** kubeconfigText is a kubeconfig for one HTTPS server with a CA and a bearer token. */
export function kubeconfigText(url: string, caPem: string, token: string, namespace: string, context: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: test-cluster',
    '  cluster:',
    `    server: ${url}`,
    ...(caPem ? [`    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`] : []),
    'contexts:',
    `- name: ${context}`,
    '  context:',
    '    cluster: test-cluster',
    '    user: test-user',
    `    namespace: ${namespace}`,
    `current-context: ${context}`,
    'users:',
    '- name: test-user',
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');
}

type Ctx = {
  store: KubeStore;
  options: KubeApiServerOptions;
  watches: Set<OpenWatch>;
  requests: string[];
  patches: Array<{ contentType: string; body: unknown }>;
  forbidden: Set<string>;
  token: string;
  watchLog: Array<{ resource: string; resourceVersion: string; bookmarks: boolean }>;
};

const PATH = /^(\/api\/v1|\/apis\/[^/]+\/v1)\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/;

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://x');
  if (req.headers.authorization !== `Bearer ${ctx.token}`) {
    // A real API server sends a Status; client-node drops the body of a 401 anyway.
    return status(res, 401, 'Unauthorized', 'Unauthorized');
  }
  if (await ctx.options.route?.(req, res, url)) return;
  const m = PATH.exec(url.pathname);
  const info = m ? RESOURCES[m[3] as string] : undefined;
  if (!m || !info || info.prefix !== m[1]) return status(res, 404, 'NotFound', `the server could not find the requested resource`);
  const [, , ns, resource, name] = m as unknown as [string, string, string, string, string | undefined];
  const watch = url.searchParams.get('watch') === 'true';
  const verb = req.method === 'GET' ? (name ? 'get' : watch ? 'watch' : 'list') : (req.method ?? 'GET').toLowerCase();
  ctx.requests.push(`${verb} ${resource}`);
  if (ctx.forbidden.has(`${verb} ${resource}`)) {
    return status(res, 403, 'Forbidden', `${resource} is forbidden: User "system:serviceaccount:${ns}:rollcheck" cannot ${verb} resource "${resource}" in the namespace "${ns}"`);
  }
  const inNs = (o: KubeObject) => (o.metadata.namespace ?? 'default') === ns;
  const filter = selectorFilter(url.searchParams.get('labelSelector'), url.searchParams.get('fieldSelector'));
  const matches = (o: KubeObject) => inNs(o) && filter(o);
  if (verb === 'list') {
    const items = ctx.store.list(resource).filter(matches);
    return json(res, 200, { kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata: { resourceVersion: String(ctx.store.rv) }, items });
  }
  if (verb === 'watch') return openWatch(ctx, res, resource, info, url, matches);
  const current = name ? ctx.store.get(resource, name) : undefined;
  if (!current || !inNs(current)) return status(res, 404, 'NotFound', `${resource} "${name ?? ''}" not found`);
  if (verb === 'get') return json(res, 200, current);
  if (verb === 'patch' && resource === 'deployments') return patchDeployment(ctx, req, res, current);
  if (verb === 'delete' && resource === 'pods') {
    const grace = url.searchParams.get('gracePeriodSeconds') ?? (await readBody(req)).gracePeriodSeconds;
    const ok = ctx.options.onDeletePod?.(current.metadata.name, grace === undefined || grace === null ? undefined : Number(grace));
    return ok === false ? status(res, 409, 'Conflict', 'cannot delete') : json(res, 200, ctx.store.get(resource, current.metadata.name) ?? current);
  }
  return status(res, 405, 'MethodNotAllowed', `${verb} ${resource} is not supported by the test server`);
}

async function patchDeployment(ctx: Ctx, req: IncomingMessage, res: ServerResponse, before: KubeObject): Promise<void> {
  const contentType = String(req.headers['content-type'] ?? '');
  const body = await readBody(req);
  ctx.patches.push({ contentType, body });
  if (!/strategic-merge-patch|merge-patch/.test(contentType) || Array.isArray(body)) {
    return status(res, 400, 'BadRequest', `patch type ${contentType} with this body is not what kubectl sends`);
  }
  const after = structuredClone(before);
  strategicMerge(after as Record<string, unknown>, body);
  if (JSON.stringify(after.spec) !== JSON.stringify(before.spec)) {
    (after.metadata as { generation?: number }).generation = ((before.metadata as { generation?: number }).generation ?? 1) + 1;
  }
  const stored = ctx.store.put('deployments', after);
  ctx.options.onPatch?.(stored.metadata.name, before, stored);
  return json(res, 200, ctx.store.get('deployments', stored.metadata.name) ?? stored);
}

function openWatch(ctx: Ctx, res: ServerResponse, resource: string, info: { kind: string; apiVersion: string }, url: URL, matches: (o: KubeObject) => boolean): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  const send = (type: string, object: unknown): void => void res.write(JSON.stringify({ type, object }) + '\n');
  const rvParam = url.searchParams.get('resourceVersion');
  ctx.watchLog.push({ resource, resourceVersion: rvParam ?? '', bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' });
  if (rvParam) {
    const changes = ctx.store.since(resource, Number(rvParam));
    if (!changes) {
      send('ERROR', expiredStatus());
      res.end();
      return;
    }
    for (const c of changes) if (matches(c.object)) send(c.type, c.object);
  } else {
    for (const o of ctx.store.list(resource)) if (matches(o)) send('ADDED', o);
  }
  const unsubscribe = ctx.store.subscribe((c) => {
    if (c.resource === resource && matches(c.object)) send(c.type, c.object);
  });
  const bookmarks =
    url.searchParams.get('allowWatchBookmarks') === 'true'
      ? setInterval(() => send('BOOKMARK', { kind: info.kind, apiVersion: info.apiVersion, metadata: { resourceVersion: String(ctx.store.rv) } }), ctx.options.bookmarkMs ?? 1000)
      : null;
  const lifetime = ctx.options.watchLifetimeMs ? setTimeout(() => (w.close(), res.end()), ctx.options.watchLifetimeMs) : null;
  const w: OpenWatch = {
    resource,
    res,
    close: () => {
      unsubscribe();
      if (bookmarks) clearInterval(bookmarks);
      if (lifetime) clearTimeout(lifetime);
      ctx.watches.delete(w);
    },
  };
  ctx.watches.add(w);
  res.on('close', w.close);
}

function expiredStatus(): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version' };
}

function selectorFilter(labels: string | null, fields: string | null): (o: KubeObject) => boolean {
  const pairs = (s: string | null) => (s ? s.split(',').filter(Boolean).map((p) => p.split(/==?/) as [string, string]) : []);
  const wantLabels = pairs(labels);
  const wantFields = pairs(fields);
  return (o) =>
    wantLabels.every(([k, v]) => o.metadata.labels?.[k] === v) &&
    wantFields.every(([path, v]) => String(path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o)) === v);
}

/** strategicMerge applies a strategic-merge patch: objects merge, `containers` merge by name, null deletes. */
export function strategicMerge(target: Record<string, unknown>, patch: unknown): void {
  if (!patch || typeof patch !== 'object') return;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete target[k];
    else if (k === 'containers' && Array.isArray(v) && Array.isArray(target[k])) {
      const list = target[k] as Array<Record<string, unknown>>;
      for (const item of v as Array<Record<string, unknown>>) {
        const existing = list.find((c) => c.name === item.name);
        if (existing) strategicMerge(existing, item);
        else list.push(item);
      }
    } else if (typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object') {
      strategicMerge(target[k] as Record<string, unknown>, v);
    } else target[k] = structuredClone(v);
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
