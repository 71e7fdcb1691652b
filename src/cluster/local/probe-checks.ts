// The three kinds of readiness check the kubelet runs (httpGet, tcpSocket, grpc),
// one attempt each on a fresh connection, as the embedded runtime's probes use them.
import { connect as tcpConnect } from 'node:net';
import { request } from 'node:http';
import { connect as h2Connect, type IncomingHttpHeaders } from 'node:http2';
import { decodeHealthCheckStatus, encodeHealthCheckRequest, HEALTH_CHECK_METHOD, SERVING_STATUS } from '../../grpc-health.js';

/** ReadinessCheck is a pod's readiness probe handler: an HTTP GET of a path, a TCP connect, or grpc.health.v1 Check. */
export type ReadinessCheck = { kind: 'http'; path: string } | { kind: 'tcp' } | { kind: 'grpc'; service: string };

/** CheckOutcome is one attempt: null when it passed, else why not; `draining` when the answer said the server is stopping. */
export interface CheckOutcome {
  error: string | null;
  /** answered: the pod accepted the connection and answered (whatever it said). */
  answered: boolean;
  /** draining: the answer said the server is going away (`Connection: close`, NOT_SERVING, a GOAWAY). */
  draining: boolean;
}

/** parseReadinessCheck reads `http:PATH`, `tcp`, `grpc` or `grpc:SERVICE`; a string is what is wrong with it. */
export function parseReadinessCheck(text: string): ReadinessCheck | string {
  const t = text.trim();
  if (t === 'tcp') return { kind: 'tcp' };
  if (t === 'grpc') return { kind: 'grpc', service: '' };
  if (t.startsWith('grpc:')) return { kind: 'grpc', service: t.slice(5) };
  if (t.startsWith('http:')) {
    const path = t.slice(5);
    return path.startsWith('/') ? { kind: 'http', path } : `"${t}": the path must start with /, e.g. http:/healthz`;
  }
  return `"${t}" is not a probe; use http:/healthz, tcp, grpc or grpc:SERVICE`;
}

/** describeCheck names a check as a log line or an error message would ("GET /healthz", "TCP connect", "gRPC Health/Check"). */
export function describeCheck(check: ReadinessCheck): string {
  if (check.kind === 'http') return `GET ${check.path}`;
  if (check.kind === 'tcp') return 'TCP connect';
  return `gRPC ${HEALTH_CHECK_METHOD}${check.service ? ` (service ${check.service})` : ''}`;
}

/** runCheck makes one attempt of `check` against host:port within `timeoutMs`. */
export function runCheck(check: ReadinessCheck, host: string, port: number, timeoutMs: number): Promise<CheckOutcome> {
  if (check.kind === 'tcp') return tcpCheck(host, port, timeoutMs);
  if (check.kind === 'grpc') return grpcCheck(host, port, check.service, timeoutMs);
  return httpCheck(host, port, check.path, timeoutMs);
}

/** settle wraps a resolver so that only the first outcome counts. */
function settle(resolve: (o: CheckOutcome) => void): (o: CheckOutcome) => void {
  let done = false;
  return (o) => {
    if (done) return;
    done = true;
    resolve(o);
  };
}

const errorCode = (err: NodeJS.ErrnoException): string => err.code ?? err.message;

const failed = (error: string): CheckOutcome => ({ error, answered: false, draining: false });

function httpCheck(host: string, port: number, path: string, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const finish = settle(resolve);
    // Asks for keep-alive (agent: false alone sends `Connection: close`): only a draining server answers close.
    const headers = { 'user-agent': 'kube-probe/rollcheck', connection: 'keep-alive' };
    const req = request({ host, port, path, method: 'GET', agent: false, headers }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const draining = String(res.headers.connection ?? '').toLowerCase() === 'close' && res.httpVersion === '1.1';
      clearTimeout(timer);
      finish({ error: status >= 200 && status < 400 ? null : `HTTP ${status}`, answered: true, draining });
      req.destroy();
    });
    // One deadline for the whole attempt, the connect included, as the kubelet's timeoutSeconds
    // (req.setTimeout is an idle timer armed only once connected: a connect nobody answers
    // waited for the kernel's own timeout, about two minutes).
    const timer = setTimeout(() => {
      finish(failed(`timeout after ${timeoutMs}ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      finish(failed(errorCode(err)));
    });
    req.end();
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const finish = settle(resolve);
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      finish(failed(`timeout after ${timeoutMs}ms`));
      socket.destroy();
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      finish({ error: null, answered: true, draining: false });
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      finish(failed(errorCode(err)));
    });
  });
}

/**
 * grpcCheck calls grpc.health.v1.Health/Check over h2c as the kubelet's gRPC
 * probe does: ready only when the call succeeds and says SERVING.
 */
function grpcCheck(host: string, port: number, service: string, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const finish = settle(resolve);
    const session = h2Connect(`http://${host}:${port}`);
    let goaway = false;
    const timer = setTimeout(() => {
      finish(failed(`timeout after ${timeoutMs}ms`));
      session.destroy();
    }, timeoutMs);
    const end = (o: CheckOutcome): void => {
      clearTimeout(timer);
      finish(o);
      session.destroy();
    };
    session.on('goaway', () => (goaway = true));
    session.on('error', (err: NodeJS.ErrnoException) => end(failed(errorCode(err))));
    const message = encodeHealthCheckRequest(service);
    const body = Buffer.alloc(5 + message.length);
    body.writeUInt32BE(message.length, 1);
    body.set(message, 5);
    const stream = session.request({ ':method': 'POST', ':path': `/${HEALTH_CHECK_METHOD}`, 'content-type': 'application/grpc', te: 'trailers', 'user-agent': 'kube-probe/rollcheck' });
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (head = h));
    stream.on('trailers', (h) => (trailers = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    // A connection that failed cancels its stream: the connection's reason is the one to say.
    stream.on('error', (err: NodeJS.ErrnoException) => end({ ...failed(errorCode((err.cause as Error | undefined) ?? err)), draining: goaway }));
    stream.on('close', () => end(judgeHealthAnswer(head, trailers, Buffer.concat(chunks), goaway)));
    stream.end(body);
  });
}

/** judgeHealthAnswer reads a Check answer: grpc-status 0 and SERVING pass; NOT_SERVING or a GOAWAY is a draining server. */
function judgeHealthAnswer(head: IncomingHttpHeaders, trailers: IncomingHttpHeaders, body: Buffer, goaway: boolean): CheckOutcome {
  const httpStatus = Number(head[':status'] ?? 0);
  if (httpStatus === 0) return { ...failed('the stream ended without an answer'), draining: goaway };
  if (httpStatus !== 200) return { error: `HTTP ${httpStatus}`, answered: true, draining: goaway };
  const grpcStatus = String(trailers['grpc-status'] ?? head['grpc-status'] ?? '');
  if (grpcStatus !== '0') return { error: `grpc-status ${grpcStatus || 'missing'}`, answered: true, draining: goaway };
  const serving = body.length > 5 ? decodeHealthCheckStatus(body.subarray(5)) : 0;
  const name = SERVING_STATUS[serving] ?? `STATUS_${serving}`;
  return { error: serving === 1 ? null : `service unhealthy (${name})`, answered: true, draining: goaway || serving === 2 };
}
