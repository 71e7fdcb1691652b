import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';

/** KubeConfigSettings is where to read cluster credentials from, as the user gave it. */
export interface KubeConfigSettings {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** -n/--namespace */
  namespace?: string;
  /** The environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST); defaults to none. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** KubeAccess is a loaded kubeconfig with the context, namespace and server it resolved to. */
export interface KubeAccess {
  kc: k8s.KubeConfig;
  context: string;
  namespace: string;
  /** The API server URL for facts and messages (any user:password part removed). */
  server: string;
  /** Where the config came from, for messages ("--kubeconfig /x", "in-cluster"). */
  source: string;
}

/**
 * loadKubeAccess reads the kubeconfig the way kubectl would (--kubeconfig,
 * KUBECONFIG, ~/.kube/config, in-cluster) and picks the context and namespace.
 * Every failure is a one-line UsageError that never quotes the file's content,
 * because the file holds credentials.
 */
export function loadKubeAccess(settings: KubeConfigSettings): KubeAccess {
  const env = settings.env ?? {};
  const cwd = settings.cwd ?? '.';
  const kc = new k8s.KubeConfig();
  let source: string;
  if (settings.kubeconfig) {
    const file = resolve(cwd, settings.kubeconfig);
    if (!existsSync(file)) {
      throw new UsageError(`kubeconfig ${settings.kubeconfig} not found; pass an existing file to --kubeconfig`);
    }
    loadFile(kc, file, `--kubeconfig ${settings.kubeconfig}`);
    source = file;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter((f) => f && existsSync(f));
    if (files.length === 0) {
      throw new UsageError(`KUBECONFIG=${env.KUBECONFIG} names no existing file; fix KUBECONFIG or pass --kubeconfig`);
    }
    loadFile(kc, files[0] as string, `KUBECONFIG file ${files[0]}`);
    for (const extra of files.slice(1)) {
      const other = new k8s.KubeConfig();
      loadFile(other, extra, `KUBECONFIG file ${extra}`);
      try {
        kc.mergeConfig(other, true);
      } catch {
        // kubectl lets the first file win on a duplicate name; so do we.
      }
    }
    source = files.join(delimiter);
  } else if (env.HOME && existsSync(join(env.HOME, '.kube', 'config'))) {
    source = join(env.HOME, '.kube', 'config');
    loadFile(kc, source, '~/.kube/config');
  } else if (env.KUBERNETES_SERVICE_HOST) {
    try {
      kc.loadFromCluster();
    } catch {
      throw new UsageError('in-cluster config could not be read; mount the service account token or pass --kubeconfig');
    }
    source = 'in-cluster service account';
  } else {
    throw new UsageError(
      'no kubeconfig found (looked at --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster); pass --kubeconfig FILE',
    );
  }
  return pickContext(kc, settings, source);
}

function pickContext(kc: k8s.KubeConfig, settings: KubeConfigSettings, source: string): KubeAccess {
  const names = kc.getContexts().map((c) => c.name);
  if (settings.context) {
    if (!kc.getContextObject(settings.context)) {
      throw new UsageError(
        `context "${settings.context}" not found in ${source}; available: ${names.join(', ') || '(none)'}`,
      );
    }
    kc.setCurrentContext(settings.context);
  }
  const context = kc.getCurrentContext();
  const ctxObject = context ? kc.getContextObject(context) : null;
  if (!ctxObject) {
    throw new UsageError(
      `kubeconfig ${source} has no usable current context${context ? ` ("${context}" is not defined)` : ''}; pass --context (available: ${names.join(', ') || 'none'})`,
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new UsageError(`kubeconfig ${source}: context "${context}" names cluster "${ctxObject.cluster}", which is not defined; fix the kubeconfig`);
  }
  if (!kc.getCurrentUser()) {
    throw new UsageError(`kubeconfig ${source}: context "${context}" names user "${ctxObject.user}", which is not defined; fix the kubeconfig`);
  }
  checkExecPlugin(kc, source, settings.env?.PATH ?? process.env.PATH ?? '');
  const namespace = settings.namespace || ctxObject.namespace || 'default';
  return { kc, context, namespace, server: withoutUserinfo(cluster.server), source };
}

// An exec credential plugin (gke-gcloud-auth-plugin, aws, kubelogin) that is not installed would
// fail the first request with a bare ENOENT; say which command is missing instead.
function checkExecPlugin(kc: k8s.KubeConfig, source: string, path: string): void {
  const command = kc.getCurrentUser()?.exec?.command as string | undefined;
  if (!command) return;
  const found = command.includes('/') ? existsSync(command) : path.split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
  if (!found) {
    throw new UsageError(`the kubeconfig's exec credential plugin "${command}" (${source}, user "${kc.getCurrentUser()?.name}") is not installed or not on PATH; install it (e.g. gke-gcloud-auth-plugin, aws, kubelogin) or fix users[].user.exec.command`);
  }
}

/**
 * refreshCredentials makes the next request authenticate afresh after a 401:
 * it re-reads the kubeconfig file (a rotated token or certificate) and drops
 * the exec plugin's cached credential, which client-node would otherwise keep
 * until its expirationTimestamp even though the server refused it.
 */
export function refreshCredentials(access: KubeAccess): void {
  const kc = access.kc;
  if (existsSync(access.source)) {
    try {
      kc.loadFromFile(access.source);
      kc.setCurrentContext(access.context);
    } catch {
      // Keep the credentials we had; the retry will say what is wrong.
    }
  }
  // client-node 1.4 keeps ExecAuth's cache in kc.authenticators[].tokenCache (a test covers this).
  const authenticators = (kc as unknown as { authenticators?: Array<{ tokenCache?: Record<string, unknown> }> }).authenticators ?? [];
  for (const a of authenticators) if (a.tokenCache) a.tokenCache = {};
}

// A server URL may carry user:password; it is shown in facts and messages, so drop that part.
function withoutUserinfo(server: string): string {
  try {
    const u = new URL(server);
    if (!u.username && !u.password) return server;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return server.replace(/\/\/[^/@]*@/, '//');
  }
}

function loadFile(kc: k8s.KubeConfig, file: string, label: string): void {
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new UsageError(`${label} is not a valid kubeconfig (${safeReason(e)}); fix it or pass another with --kubeconfig`);
  }
  if (kc.getContexts().length === 0 || kc.getClusters().length === 0) {
    throw new UsageError(`${label} is not a valid kubeconfig (no clusters or contexts); fix it or pass another with --kubeconfig`);
  }
}

// A YAML error quotes the offending line, which may be a token: give only where it is.
function safeReason(e: unknown): string {
  const err = e as { name?: string; mark?: { line?: number }; message?: string };
  if (err?.mark && typeof err.mark.line === 'number') return `YAML syntax error at line ${err.mark.line + 1}`;
  const msg = String(err?.message ?? '');
  const field = /^(clusters|users|contexts)\[\d+\][\w.[\]-]* is missing/.exec(msg);
  if (field) return field[0];
  if (/ENOENT|EACCES|EISDIR/.test(msg)) return 'cannot read the file';
  return 'unreadable structure';
}

/** ScopedKubeconfig is a private kubeconfig file for a child command, removed by dispose(). */
export interface ScopedKubeconfig {
  path: string;
  /** env is what the command needs: KUBECONFIG, and HELM_KUBECONTEXT/HELM_NAMESPACE for helm. */
  env: Record<string, string>;
  dispose(): void;
}

/**
 * writeScopedKubeconfig writes the loaded kubeconfig to a private temp file
 * whose current context is the watched one and whose namespace is the watched
 * namespace, so that `kubectl` or `helm upgrade` in a `cmd=` trigger rolls what
 * rollcheck watches, not whatever the user's own current context says.
 */
export function writeScopedKubeconfig(access: KubeAccess): ScopedKubeconfig {
  const copy = new k8s.KubeConfig();
  copy.loadFromString(access.kc.exportConfig());
  copy.contexts = copy.contexts.map((c) => (c.name === access.context ? { ...c, namespace: access.namespace } : c));
  copy.setCurrentContext(access.context);
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-trigger-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, copy.exportConfig(), { mode: 0o600 });
  return {
    path,
    env: { KUBECONFIG: path, HELM_KUBECONTEXT: access.context, HELM_NAMESPACE: access.namespace },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
