import type { FailureKind, OutcomeKind } from '../results/types.js';

/** statusKind classifies an HTTP status: 5xx and 4xx fail, anything else is ok. */
export function statusKind(status: number): OutcomeKind {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'ok';
}

// The connection went away under the request: which kind depends on whether
// it was a reused keep-alive connection that had not answered yet.
const CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CLOSED']);
const TIMEOUT = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

/** ErrorFacts is what is known about a failed request when undici reports an error. */
export interface ErrorFacts {
  code: string | undefined;
  /** reused: the request went out on a connection that had carried a request before. */
  reused: boolean;
  /** responseStarted: response headers (any byte the client parsed) had arrived. */
  responseStarted: boolean;
}

/** classifyError maps an undici error and the connection's history to a failure kind. */
export function classifyError(facts: ErrorFacts): FailureKind {
  const code = facts.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (TIMEOUT.has(code)) return 'timeout';
  if (DNS.has(code)) return 'dns';
  if (CLOSED.has(code))
    return facts.reused && !facts.responseStarted ? 'closed_before_response' : 'reset';
  return 'other';
}

/** errorCode reads the `code` of an error (undici's UND_ERR_* or a Node errno code), falling back to its cause. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return undefined;
}
