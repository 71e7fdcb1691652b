import * as k8s from '@kubernetes/client-node';
import { UsageError } from '../../errors.js';

/** KubeCall names one API request for error messages: the RBAC verb and resource, and where. */
export interface KubeCall {
  verb: string;
  resource: string;
  namespace: string;
  name?: string;
  server: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_OSSL_PEM_NO_START_LINE',
  'ERR_OSSL_UNSUPPORTED',
]);

const NET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ABORT_ERR']);

/** statusCodeOf reads the HTTP status of a failed client-node call or watch, if it had one. */
export function statusCodeOf(e: unknown): number | undefined {
  if (e instanceof k8s.ApiException) return e.code;
  const s = (e as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** errorCodeOf finds the Node/OpenSSL error code of a network failure, looking through causes. */
export function errorCodeOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth += 1) {
    const c = cur as { code?: unknown; errno?: unknown; name?: string; cause?: unknown; type?: string };
    if (typeof c.code === 'string') return c.code;
    if (typeof c.errno === 'string') return c.errno;
    if (c.name === 'AbortError' || c.name === 'TimeoutError') return 'ABORT_ERR';
    cur = c.cause;
  }
  return undefined;
}

/**
 * explainKubeError turns any failure of an API call into a one-line UsageError
 * that names the problem and the fix. It never echoes a response body or an
 * error message verbatim (either could carry a credential).
 */
export function explainKubeError(e: unknown, call: KubeCall): UsageError {
  if (e instanceof UsageError) return e;
  const status = statusCodeOf(e);
  const what = `${call.verb} ${call.resource}${call.name ? ` "${call.name}"` : ''} in namespace "${call.namespace}"`;
  if (status === 401) {
    return new UsageError(
      `the API server at ${call.server} rejected the credentials (401 Unauthorized); refresh the kubeconfig's credentials (log in again) or pick another --context`,
    );
  }
  if (status === 403) {
    return new UsageError(
      `forbidden: cannot ${what} (403); grant the verbs rollcheck needs with manifests/rbac.yaml (kubectl apply -n ${call.namespace} -f manifests/rbac.yaml)`,
    );
  }
  if (status === 404) {
    return new UsageError(`not found: ${what} (404); check the name and -n/--namespace`);
  }
  if (status !== undefined) {
    return new UsageError(`the API server at ${call.server} answered ${status} to ${what}; check the cluster's health and retry`);
  }
  const code = errorCodeOf(e);
  const message = String((e as { message?: unknown } | null)?.message ?? '');
  if ((code && TLS_CODES.has(code)) || /certificate|self[- ]signed|tls|ssl/i.test(message)) {
    return new UsageError(
      `TLS error talking to the API server at ${call.server} (${code ?? 'certificate not trusted'}); check certificate-authority(-data) and the server address in the kubeconfig`,
    );
  }
  if ((code && NET_CODES.has(code)) || /ECONNREFUSED|ENOTFOUND|socket hang up|network|timeout/i.test(message)) {
    return new UsageError(
      `cannot reach the API server at ${call.server} (${code ?? 'connection failed'}); check that the cluster is up and that --context/--kubeconfig point at it`,
    );
  }
  return new UsageError(`request to ${what} at ${call.server} failed (${code ?? 'unknown error'}); check the kubeconfig and the cluster`);
}
