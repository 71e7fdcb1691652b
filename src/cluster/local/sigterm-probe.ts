import { request } from 'node:http';

/** SigtermProbeResult is what one request to a pod, sent directly some time after its SIGTERM, saw. */
export interface SigtermProbeResult {
  /** answered: it accepted a new connection and answered. */
  answered: boolean;
  /** closing: the answer said `Connection: close` (a draining server). */
  closing: boolean;
  /** error is why it did not answer (ECONNREFUSED, timeout, …). */
  error?: string;
}

/**
 * probeAfterSigterm sends one GET to the pod's own address on a new
 * connection: whether a pod still accepts and answers as before a while after
 * SIGTERM, or refuses or answers `Connection: close`, is its reaction to it.
 */
export function probeAfterSigterm(host: string, port: number, path: string, timeoutMs: number): Promise<SigtermProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: SigtermProbeResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    // Asks for keep-alive (agent: false alone sends `Connection: close`): only a draining server answers close.
    const req = request({ host, port, path, method: 'GET', agent: false, headers: { 'user-agent': 'rollcheck-sigterm-probe', connection: 'keep-alive' } }, (res) => {
      const closing = String(res.headers.connection ?? '').toLowerCase() === 'close' && res.httpVersion === '1.1';
      res.resume();
      finish({ answered: true, closing });
      req.destroy();
    });
    req.setTimeout(timeoutMs, () => {
      finish({ answered: false, closing: false, error: 'timeout' });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ answered: false, closing: false, error: err.code ?? err.message }));
    req.end();
  });
}
