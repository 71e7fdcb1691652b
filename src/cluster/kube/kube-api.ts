import * as k8s from '@kubernetes/client-node';
import type { KubeAccess } from './kube-config.js';
import { explainKubeError, statusCodeOf } from './api-errors.js';
import { refreshCredentials } from './kube-config.js';

/** CallOptions is the per-request option object client-node's object-param API takes. */
export type CallOptions = ReturnType<typeof k8s.setHeaderOptions>;

/** KubeApi is the typed clients for one namespace plus a wrapper that turns failures into one-line errors. */
export interface KubeApi {
  access: KubeAccess;
  namespace: string;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  disc: k8s.DiscoveryV1Api;
  policy: k8s.PolicyV1Api;
  /** options is the per-call options: a request timeout, plus a Content-Type when patching. */
  options(contentType?: string): CallOptions;
  /** refreshCredentials makes the next request authenticate afresh (after a 401). */
  refreshCredentials(): void;
  /** call runs one request, once more with fresh credentials after a 401; any failure becomes a UsageError naming the verb and resource. */
  call<T>(verb: string, resource: string, fn: (options: CallOptions) => Promise<T>, name?: string): Promise<T>;
}

/** createKubeApi makes the clients for a loaded kubeconfig; `timeoutMs` bounds every non-watch request. */
export function createKubeApi(access: KubeAccess, timeoutMs = 15_000): KubeApi {
  const { kc, namespace, server } = access;
  // client-node has no timeout option; a middleware gives each request its own abort signal.
  const timeout: CallOptions = {
    middleware: [
      {
        pre: (c) => {
          c.setSignal(AbortSignal.timeout(timeoutMs));
          return new k8s.Observable(Promise.resolve(c));
        },
        post: (r) => new k8s.Observable(Promise.resolve(r)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
  const options = (contentType?: string): CallOptions =>
    contentType ? k8s.setHeaderOptions('Content-Type', contentType, timeout) : timeout;
  return {
    access,
    namespace,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    disc: kc.makeApiClient(k8s.DiscoveryV1Api),
    policy: kc.makeApiClient(k8s.PolicyV1Api),
    options,
    refreshCredentials: () => refreshCredentials(access),
    async call(verb, resource, fn, name) {
      try {
        try {
          return await fn(options());
        } catch (e) {
          // Tokens expire and rotate mid-run (exec plugins, projected tokens): refresh once, as client-go does.
          if (statusCodeOf(e) !== 401) throw e;
          refreshCredentials(access);
          return await fn(options());
        }
      } catch (e) {
        throw explainKubeError(e, { verb, resource, name, namespace, server });
      }
    },
  };
}
