import { runCheck, type ReadinessCheck } from './probe-checks.js';

/** ReadinessProbe is one pod's running readiness probe. */
export interface ReadinessProbe {
  /** ready is the probe's current verdict. */
  readonly ready: boolean;
  /** lastError is the last failed probe's reason ("ECONNREFUSED", "HTTP 500", "service unhealthy (NOT_SERVING)"), or null. */
  readonly lastError: string | null;
  /** stop ends probing (pod terminating or gone). */
  stop(): void;
}

/** ReadinessProbeOptions follow a Kubernetes readiness probe (httpGet, tcpSocket or grpc). */
export interface ReadinessProbeOptions {
  host: string;
  port: number;
  check: ReadinessCheck;
  periodMs: number;
  /** timeoutMs per probe (Kubernetes' timeoutSeconds, default 1 s, never longer than the period). */
  timeoutMs?: number;
  /** failureThreshold consecutive failures turn a ready pod not ready (Kubernetes' default 3). */
  failureThreshold?: number;
  /** firstDelayMs is when the first probe goes out (default 100 ms: a process needs a moment to listen). */
  firstDelayMs?: number;
  /** onChange is called on every transition, with the failing probe's reason when it turns not ready. */
  onChange(ready: boolean, reason: string | null): void;
}

/**
 * createReadinessProbe runs the check against the pod every period on a fresh
 * connection (GET: 2xx and 3xx pass; TCP: a connect; gRPC: SERVING). The pod turns ready at the first pass
 * and not ready after `failureThreshold` failures in a row, as the kubelet does.
 */
export function createReadinessProbe(options: ReadinessProbeOptions): ReadinessProbe {
  const timeoutMs = Math.min(options.timeoutMs ?? 1000, options.periodMs);
  const threshold = options.failureThreshold ?? 3;
  let ready = false;
  let lastError: string | null = null;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number): void => {
    if (!stopped) timer = setTimeout(() => void probeOnce(), ms);
  };

  async function probeOnce(): Promise<void> {
    const { error } = await runCheck(options.check, options.host, options.port, timeoutMs);
    if (stopped) return;
    if (error === null) {
      failures = 0;
      if (!ready) {
        ready = true;
        options.onChange(true, null);
      }
    } else {
      lastError = error;
      failures += 1;
      if (ready && failures >= threshold) {
        ready = false;
        options.onChange(false, error);
      }
    }
    schedule(options.periodMs);
  }

  schedule(options.firstDelayMs ?? 100);
  return {
    get ready() {
      return ready;
    },
    get lastError() {
      return lastError;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
