// A Kubernetes API test server: HTTPS with a test CA, bearer-token auth, a
// configurable 403 per verb+resource, list + watch (resourceVersion, BOOKMARK,
// ERROR 410, droppable streams) for pods, endpointslices, events; get/list/patch
// deployments; get/list services; delete pods; pods/exec over WebSocket
// (exec-ws.ts; the running is the backing's). It serves what a KubeStore holds,
// in the JSON shapes of shared/notes/kubernetes.md; a model (kube-model.ts)
// changes the store as a cluster would.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, KubeStore } from './store.js';
import { createKubeStore } from './store.js';
import { makeTestCerts } from './certs.js';
import type { TestCerts } from './certs.js';
import type { ResourceDef } from './resources.js';
import { apiVersionOf, discoveryDocument, findResource } from './resources.js';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.js';
import type { ExecTarget } from './exec-ws.js';
import { refuseUpgrade, serveExec } from './exec-ws.js';
import { mergePatch, strategicMerge } from './merge-patch.js';
import { json, readBody, status } from './answer.js';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { createDisruption, type Disruption } from './disruption.js';
import { withCordonTaint } from './nodes.js';

export { mergePatch, strategicMerge } from './merge-patch.js';

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
  /** onDeletePod lets the model terminate a pod (graceSeconds from the request, if any). */
  onDeletePod?(name: string, graceSeconds: number | undefined): boolean;
  /**
   * routes are tried first, in order, for every authenticated request: a route
   * that handles the request returns true. This is how a resource with its own
   * behaviour (Jobs, pods/log) plugs in without touching the handlers here.
   */
  routes?: Array<(req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>>;
  /** exec says how to run a pods/exec command in a pod's container (absent: pods/exec answers that no pod can exec). */
  exec?(pod: string, container: string | null, command: string[]): ExecTarget;
}

/** KubeApiServer is a running test server. */
export interface KubeApiServer {
  url: string;
  token: string;
  /** caPem is the test CA that signed the server's certificate. */
  caPem: string;
  store: KubeStore;
  /** requests is every "VERB resource" the server answered, e.g. "watch pods", "patch deployments". */
  requests: string[];
  /** watches is the query of every watch request, in order (resourceVersion '' when none). */
  watchLog: Array<{ resource: string; resourceVersion: string; bookmarks: boolean }>;
  /** patches is the Content-Type and body of each PATCH. */
  patches: Array<{ contentType: string; body: unknown }>;
  forbid(verb: string, resource: string): void;
  /** stallExecs makes pods/exec upgrade and then say nothing, as when the node behind the pod does not answer. */
  stallExecs(): void;
  /** rotateToken makes the server accept only `token` from now on (the old one gets 401), as a credential rotation does. */
  rotateToken(token: string): void;
  /** dropWatches destroys open watch connections mid-stream (a network cut). */
  dropWatches(resource?: string): number;
  /** expireWatches compacts the history and sends ERROR 410 to open watches. */
  expireWatches(resource?: string): number;
  watchCount(resource?: string): number;
  /** writeKubeconfig writes a kubeconfig for this server and returns its path (caPem '' leaves the CA out). */
  writeKubeconfig(dir: string, options?: { token?: string; namespace?: string; context?: string; caPem?: string; user?: KubeconfigUser }): string;
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
  const disruption = createDisruption(store, (name, grace) => void options.onDeletePod?.(name, grace));
  const ctx: Ctx = { store, options, watches, requests, patches, forbidden, token, watchLog, stallExecs: false, disruption };
  // Client certificates signed by the test CA authenticate too (mTLS); others fall back to the bearer token.
  const server = createServer({ key: certs.keyPem, cert: certs.certPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    handle(ctx, req, res).catch((e: unknown) => status(res, 500, 'InternalError', String(e)));
  });
  // Upgraded sockets leave the HTTP server's books: close() ends them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    upgrade(ctx, req, socket, head);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const caPem = certs.caPem;
  const pick = (resource?: string) => [...watches].filter((w) => !resource || w.resource === resource);
  return {
    url,
    get token() {
      return ctx.token;
    },
    store,
    caPem,
    requests,
    patches,
    watchLog,
    forbid: (verb, resource) => void forbidden.add(`${verb} ${resource}`),
    stallExecs: () => void (ctx.stallExecs = true),
    rotateToken: (next) => void (ctx.token = next),
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
      const user: KubeconfigUser = o.user ?? { token: o.token ?? ctx.token };
      writeFileSync(path, kubeconfigText(url, o.caPem ?? caPem, user, o.namespace ?? 'default', o.context ?? 'test'));
      return path;
    },
    async close() {
      disruption.stop();
      for (const w of watches) w.close();
      for (const w of watches) w.res.socket?.destroy();
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** KubeconfigUser is how a kubeconfig's user authenticates: a bearer token, the test client certificate, or an exec credential plugin. */
export type KubeconfigUser = { token: string } | { clientCert: true } | { exec: { command: string; args?: string[]; env?: Record<string, string> } };

/** kubeconfigText is a kubeconfig for one HTTPS server with a CA and a user (a bearer token string is short for { token }). */
export function kubeconfigText(url: string, caPem: string, userOrToken: KubeconfigUser | string, namespace: string, context: string): string {
  const user = typeof userOrToken === 'string' ? { token: userOrToken } : userOrToken;
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
    ...userLines(user),
    '',
  ].join('\n');
}

function userLines(user: KubeconfigUser): string[] {
  if ('token' in user) return [`    token: ${user.token}`];
  if ('clientCert' in user) {
    const c = certs ?? makeTestCerts();
    return [`    client-certificate-data: ${Buffer.from(c.clientCertPem).toString('base64')}`, `    client-key-data: ${Buffer.from(c.clientKeyPem).toString('base64')}`];
  }
  const e = user.exec;
  return [
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    `      command: ${JSON.stringify(e.command)}`,
    ...(e.args?.length ? ['      args:', ...e.args.map((a) => `      - ${JSON.stringify(a)}`)] : []),
    ...(e.env ? ['      env:', ...Object.entries(e.env).flatMap(([name, value]) => [`      - name: ${name}`, `        value: ${JSON.stringify(value)}`])] : []),
    '      interactiveMode: Never',
    '      provideClusterInfo: false',
  ];
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
  stallExecs: boolean;
  disruption: Disruption;
};

// A namespaced path (/api/v1/namespaces/NS/pods/NAME/SUB), a cluster-scoped one (/api/v1/nodes/NAME) or a namespaced list across namespaces (/api/v1/pods); any group version (/apis/argoproj.io/v1alpha1/…).
const PATH = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/;

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://x');
  const certified = (req.socket as TLSSocket).authorized === true;
  if (!certified && req.headers.authorization !== `Bearer ${ctx.token}`) {
    // A real API server sends a Status; client-node drops the body of a 401 anyway.
    return status(res, 401, 'Unauthorized', 'Unauthorized');
  }
  for (const route of ctx.options.routes ?? []) if (await route(req, res, url)) return;
  if (req.method === 'GET') {
    const doc = url.pathname === '/version' ? VERSION : discoveryDocument(url.pathname, String(req.headers.host ?? '127.0.0.1'));
    if (doc) return json(res, 200, doc);
  }
  const m = PATH.exec(url.pathname);
  const info = m ? findResource(m[1] as string, m[3] as string) : undefined;
  const [, , ns, resource, name, sub] = (m ?? []) as unknown as [string, string, string | undefined, string, string | undefined, string | undefined];
  const clusterScoped = info?.namespaced === false;
  // A cluster-scoped resource has no namespace; a namespaced one is read across namespaces only as a list or watch.
  if (!m || !info || (clusterScoped && ns !== undefined) || (!clusterScoped && ns === undefined && (name !== undefined || req.method !== 'GET'))) {
    return status(res, 404, 'NotFound', `the server could not find the requested resource`);
  }
  const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const verb = req.method === 'GET' ? (name ? 'get' : watch ? 'watch' : 'list') : req.method === 'PUT' ? 'update' : req.method === 'POST' ? 'create' : (req.method ?? 'GET').toLowerCase();
  const asked = sub === 'eviction' || sub === 'status' ? `${verb} ${resource}/${sub}` : `${verb} ${resource}`;
  ctx.requests.push(asked);
  if (ctx.forbidden.has(asked)) {
    return status(res, 403, 'Forbidden', `${resource} is forbidden: User "system:serviceaccount:${ns ?? 'default'}:rollcheck" cannot ${verb} resource "${sub ? `${resource}/${sub}` : resource}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`);
  }
  const bucket = info.bucket ?? info.name;
  const view = info.view ?? ((o: KubeObject) => o);
  const inNs = (o: KubeObject) => ns === undefined || (o.metadata.namespace ?? 'default') === ns;
  const filter = selectorFilter(url.searchParams.get('labelSelector'), url.searchParams.get('fieldSelector'));
  const matches = (o: KubeObject) => inNs(o) && filter(o);
  const table = wantsTable(req.headers.accept);
  if (verb === 'list') return listPage(ctx, res, info, url, ctx.store.list(bucket).filter(matches).map(view), table);
  if (verb === 'watch') return openWatch(ctx, res, bucket, info, url, matches, table ? (o) => toTable(info.kind, [view(o)], o.metadata.resourceVersion ?? '') as KubeObject : view);
  if (verb === 'create' && !name && resource === 'poddisruptionbudgets') return createBudget(ctx, req, res, ns ?? 'default');
  const current = name ? ctx.store.get(bucket, name) : undefined;
  if (!current || !inNs(current)) return status(res, 404, 'NotFound', `${resource}${info.group ? `.${info.group}` : ''} "${name ?? ''}" not found`);
  if (sub === 'scale' && resource === 'deployments') return scale(ctx, req, res, verb, current);
  if (sub === 'eviction' && resource === 'pods' && verb === 'create') {
    const answer = ctx.disruption.evict(current, await readBody(req));
    return json(res, answer.code, answer.body);
  }
  // Argo's CRD enables the status subresource: `kubectl argo rollouts promote|abort` patch rollouts/status.
  if (sub === 'status' && resource === 'rollouts' && verb === 'patch') return patchRolloutStatus(ctx, req, res, current);
  if (sub) return status(res, 404, 'NotFound', `the server could not find the requested resource`);
  if (verb === 'get') return table ? json(res, 200, toTable(info.kind, [view(current)], String(ctx.store.rv)), TABLE_CONTENT_TYPE) : json(res, 200, view(current));
  if (verb === 'patch' && (resource === 'deployments' || resource === 'statefulsets' || resource === 'daemonsets' || resource === 'rollouts')) return patchWorkload(ctx, req, res, resource, current);
  if (verb === 'patch' && resource === 'nodes') return patchNode(ctx, req, res, current);
  if (verb === 'delete' && resource === 'pods') {
    const grace = url.searchParams.get('gracePeriodSeconds') ?? (await readBody(req)).gracePeriodSeconds;
    const ok = ctx.options.onDeletePod?.(current.metadata.name, grace === undefined || grace === null ? undefined : Number(grace));
    return ok === false ? status(res, 409, 'Conflict', 'cannot delete') : json(res, 200, ctx.store.get(resource, current.metadata.name) ?? current);
  }
  if (verb === 'delete' && resource === 'poddisruptionbudgets') {
    ctx.store.remove(bucket, current.metadata.name);
    return json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: current.metadata.name, group: 'policy', kind: resource, uid: current.metadata.uid } });
  }
  return status(res, 405, 'MethodNotAllowed', `${verb} ${resource} is not supported by the test server`);
}

// createBudget stores a PodDisruptionBudget a client created, refused (422) when the schema says it is not one.
async function createBudget(ctx: Ctx, req: IncomingMessage, res: ServerResponse, ns: string): Promise<void> {
  const body = (await readBody(req)) as KubeObject;
  const name = body.metadata?.name;
  try {
    new PodDisruptionBudget(body as never).validate();
  } catch (e) {
    return status(res, 422, 'Invalid', `PodDisruptionBudget.policy "${name ?? ''}" is invalid: ${(e as Error).message.split('\n')[0]}`);
  }
  const spec = body.spec as { minAvailable?: unknown; maxUnavailable?: unknown } | undefined;
  if (!name || (spec?.minAvailable !== undefined) === (spec?.maxUnavailable !== undefined)) {
    return status(res, 422, 'Invalid', `PodDisruptionBudget.policy "${name ?? ''}" is invalid: spec: Invalid value: minAvailable and maxUnavailable cannot be both set (and one is needed)`);
  }
  if (ctx.store.get('poddisruptionbudgets', name)) return status(res, 409, 'AlreadyExists', `poddisruptionbudgets.policy "${name}" already exists`);
  const stored = ctx.disruption.create({ ...body, metadata: { ...body.metadata, namespace: ns } });
  return json(res, 201, stored);
}

// patchNode applies `kubectl cordon` / `uncordon` (a strategic-merge PATCH of spec.unschedulable); the taint follows.
async function patchNode(ctx: Ctx, req: IncomingMessage, res: ServerResponse, before: KubeObject): Promise<void> {
  const contentType = String(req.headers['content-type'] ?? '');
  const body = await readBody(req);
  ctx.patches.push({ contentType, body });
  const after = structuredClone(before);
  if (/strategic-merge-patch/.test(contentType)) strategicMerge(after as Record<string, unknown>, body);
  else if (/merge-patch/.test(contentType)) mergePatch(after as Record<string, unknown>, body);
  else return status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json`);
  return json(res, 200, ctx.store.put('nodes', withCordonTaint(after)));
}

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/**
 * upgrade serves pods/exec over WebSocket. The API server authorizes the GET
 * upgrade as `get pods/exec` and, since 1.35 (AuthorizePodWebsocketUpgradeCreatePermission),
 * also as `create pods/exec`, the verb SPDY's POST always needed: both are
 * recorded and either can be forbidden. A SPDY POST is authorized as
 * `create` and checked the same way, then refused: only WebSocket is served.
 */
function upgrade(ctx: Ctx, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  const certified = (socket as TLSSocket).authorized === true;
  if (!certified && req.headers.authorization !== `Bearer ${ctx.token}`) return refuseUpgrade(socket, 401, 'Unauthorized', 'Unauthorized');
  const url = new URL(req.url ?? '/', 'https://x');
  const m = EXEC_PATH.exec(url.pathname);
  const websocket = req.method === 'GET' && String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  // kubectl falls back to SPDY (a POST) when the WebSocket upgrade fails: it gets the same checks, then a refusal.
  if (!m || (!websocket && req.method !== 'POST')) return refuseUpgrade(socket, 400, 'BadRequest', 'the test server upgrades only pods/exec');
  const [, ns, name] = m as unknown as [string, string, string];
  for (const verb of websocket ? ['get', 'create'] : ['create']) {
    ctx.requests.push(`${verb} pods/exec`);
    if (ctx.forbidden.has(`${verb} pods/exec`)) {
      return refuseUpgrade(socket, 403, 'Forbidden', `pods "${name}" is forbidden: User "system:serviceaccount:${ns}:rollcheck" cannot ${verb} resource "pods/exec" in API group "" in the namespace "${ns}"`);
    }
  }
  const pod = ctx.store.get('pods', name);
  if (!pod || (pod.metadata.namespace ?? 'default') !== ns) return refuseUpgrade(socket, 404, 'NotFound', `pods "${name}" not found`);
  const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
  const container = url.searchParams.get('container');
  if (container !== null && !containers.includes(container)) return refuseUpgrade(socket, 400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const command = url.searchParams.getAll('command');
  if (command.length === 0) return refuseUpgrade(socket, 400, 'BadRequest', 'you must specify at least 1 command');
  if (!websocket) return refuseUpgrade(socket, 400, 'BadRequest', 'the test server serves pods/exec over WebSocket only (no SPDY)');
  const target: ExecTarget = ctx.stallExecs
    ? { stall: true }
    : (ctx.options.exec?.(name, container ?? containers[0] ?? null, command) ?? { error: 'this test server runs no pods' });
  serveExec(req, socket, head, target);
}

const VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-rollcheck-sandbox', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' };

// listPage answers a list, a page of `limit` at a time with an opaque `continue` token, as the API server does.
function listPage(ctx: Ctx, res: ServerResponse, info: ResourceDef, url: URL, all: KubeObject[], table: boolean): void {
  all.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const token = url.searchParams.get('continue');
  let from = 0;
  let rv = ctx.store.rv;
  if (token) {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; start: string };
    if (parsed.rv < ctx.store.compactedRv) {
      return json(res, 410, { ...expiredStatus(), message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.' });
    }
    rv = parsed.rv;
    from = all.findIndex((o) => o.metadata.name > parsed.start);
    if (from < 0) from = all.length;
  }
  const items = limit > 0 ? all.slice(from, from + limit) : all.slice(from);
  const last = items.at(-1);
  const more = limit > 0 && from + limit < all.length && last;
  const metadata = { resourceVersion: String(rv), ...(more ? { continue: Buffer.from(JSON.stringify({ rv, start: last.metadata.name })).toString('base64'), remainingItemCount: all.length - from - limit } : {}) };
  if (table) return json(res, 200, { ...toTable(info.kind, items, String(rv)), metadata }, TABLE_CONTENT_TYPE);
  return json(res, 200, { kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata, items });
}

// scale serves deployments/scale (autoscaling/v1 Scale), which `kubectl scale` reads and patches.
async function scale(ctx: Ctx, req: IncomingMessage, res: ServerResponse, verb: string, d: KubeObject): Promise<void> {
  const show = (o: KubeObject) => {
    const spec = o.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
    const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const st = o.status as { replicas?: number } | undefined;
    return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp }, spec: { replicas: spec.replicas ?? 1 }, status: { replicas: st?.replicas ?? 0, selector } };
  };
  if (verb === 'get') return json(res, 200, show(d));
  if (verb !== 'patch' && verb !== 'update') return status(res, 405, 'MethodNotAllowed', `${verb} deployments/scale is not supported by the test server`);
  const body = await readBody(req);
  const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) return status(res, 422, 'Invalid', `Scale.autoscaling "${d.metadata.name}" is invalid: spec.replicas: Invalid value`);
  const stored = applyDeploymentChange(ctx, d, { spec: { replicas } }, true);
  return json(res, 200, show(stored));
}

async function patchWorkload(ctx: Ctx, req: IncomingMessage, res: ServerResponse, bucket: string, before: KubeObject): Promise<void> {
  const contentType = String(req.headers['content-type'] ?? '');
  const body = await readBody(req);
  ctx.patches.push({ contentType, body });
  if (!/strategic-merge-patch|merge-patch/.test(contentType) || Array.isArray(body)) {
    return status(res, 400, 'BadRequest', `patch type ${contentType} with this body is not what kubectl sends`);
  }
  const stored = applyDeploymentChange(ctx, before, body, /strategic-merge-patch/.test(contentType), bucket);
  return json(res, 200, ctx.store.get(bucket, stored.metadata.name) ?? stored);
}

// patchRolloutStatus applies a merge patch to a Rollout's status only (a status subresource ignores the rest) and lets the model react.
async function patchRolloutStatus(ctx: Ctx, req: IncomingMessage, res: ServerResponse, before: KubeObject): Promise<void> {
  const contentType = String(req.headers['content-type'] ?? '');
  const body = (await readBody(req)) as { status?: unknown };
  ctx.patches.push({ contentType, body });
  if (!/^application\/merge-patch\+json/.test(contentType) || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return status(res, 400, 'BadRequest', `patch type ${contentType} with this body is not what kubectl argo rollouts sends`);
  }
  const after = structuredClone(before);
  mergePatch(after as Record<string, unknown>, { status: body.status ?? {} });
  const stored = ctx.store.put('rollouts', after);
  ctx.options.onPatch?.(stored.metadata.name, before, stored);
  return json(res, 200, ctx.store.get('rollouts', stored.metadata.name) ?? stored);
}

// applyDeploymentChange patches a Deployment (or a StatefulSet: `bucket`), bumps its generation when the spec changed and lets the model react.
function applyDeploymentChange(ctx: Ctx, before: KubeObject, patch: unknown, strategic: boolean, bucket = 'deployments'): KubeObject {
  const after = structuredClone(before);
  if (strategic) strategicMerge(after as Record<string, unknown>, patch);
  else mergePatch(after as Record<string, unknown>, patch);
  // A Rollout's status is its subresource's: a patch of the object leaves it as it was.
  if (bucket === 'rollouts') after.status = before.status;
  if (JSON.stringify(after.spec) !== JSON.stringify(before.spec)) {
    (after.metadata as { generation?: number }).generation = ((before.metadata as { generation?: number }).generation ?? 1) + 1;
  }
  const stored = ctx.store.put(bucket, after);
  ctx.options.onPatch?.(stored.metadata.name, before, stored);
  return ctx.store.get(bucket, stored.metadata.name) ?? stored;
}

function openWatch(ctx: Ctx, res: ServerResponse, resource: string, info: ResourceDef, url: URL, matches: (o: KubeObject) => boolean, view: (o: KubeObject) => KubeObject): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  // A real server answers a watch at once, before any event: a client waits for these headers.
  res.flushHeaders();
  const send = (type: string, object: KubeObject | object): void => void res.write(JSON.stringify({ type, object: type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' ? view(object as KubeObject) : object }) + '\n');
  const rvParam = url.searchParams.get('resourceVersion');
  ctx.watchLog.push({ resource, resourceVersion: rvParam ?? '', bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' });
  // resourceVersion "" or "0" starts with the current state as ADDED events; any other replays the history after it.
  if (rvParam && rvParam !== '0') {
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
      ? setInterval(() => send('BOOKMARK', { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(ctx.store.rv) } }), ctx.options.bookmarkMs ?? 1000)
      : null;
  // A real server ends every watch at its timeoutSeconds (clients ask for 5–10 min) or its own cap, cleanly.
  const asked = Number(url.searchParams.get('timeoutSeconds') ?? 0) * 1000;
  const lifetimeMs = Math.min(asked || Number.POSITIVE_INFINITY, ctx.options.watchLifetimeMs ?? Number.POSITIVE_INFINITY);
  const lifetime = Number.isFinite(lifetimeMs) ? setTimeout(() => (w.close(), res.end()), lifetimeMs) : null;
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

