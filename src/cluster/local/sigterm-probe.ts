import { runCheck, type ReadinessCheck } from './probe-checks.js';

/** SigtermProbeResult is what one request to a pod, sent directly some time after its SIGTERM, saw. */
export interface SigtermProbeResult {
  /** answered: it accepted a new connection and answered. */
  answered: boolean;
  /** closing: the answer said the server is stopping (`Connection: close`, gRPC NOT_SERVING or a GOAWAY). */
  closing: boolean;
  /** error is why it did not answer (ECONNREFUSED, timeout, …). */
  error?: string;
}

/**
 * probeAfterSigterm runs the pod's readiness check once against its own address
 * on a new connection: whether a pod still accepts and answers as before a while
 * after SIGTERM, or refuses or answers that it is closing, is its reaction to it.
 */
export async function probeAfterSigterm(host: string, port: number, check: ReadinessCheck, timeoutMs: number): Promise<SigtermProbeResult> {
  const o = await runCheck(check, host, port, timeoutMs);
  if (o.answered) return { answered: true, closing: o.draining };
  return { answered: false, closing: false, error: o.error === null ? undefined : o.error.startsWith('timeout') ? 'timeout' : o.error };
}
