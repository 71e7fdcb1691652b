// rollcheck demo app: a small HTTP API server that behaves like a well-written
// service at shutdown, or (DEMO_DRAIN=0) like a naive one. Plain Node, no
// dependencies, no build step: the same file runs as a local pod and in the
// container image (manifests/demo/Dockerfile).
//
// Environment:
//   HOST, PORT            where to listen (default 0.0.0.0:8080)
//   POD_NAME              sent back as `x-pod-name` on every response
//   DEMO_LATENCY_MS       time each request takes (default 50: a typical API call,
//                         so that requests are in flight when a signal arrives)
//   DEMO_DRAIN            1 (default): drain on SIGTERM; 0: close everything and exit at once
//   DEMO_IDLE_CLOSE_MS    while draining, close a keep-alive connection only after it
//                         stayed idle this long (default 2000)
//   DEMO_DRAIN_TIMEOUT_MS give up draining after this long and exit 1 (default 60000)
//   DEMO_MAX_INFLIGHT     capacity: at most this many requests at once; one more is
//                         answered 503 at once, as an app that sheds load does (default: no limit)
//   DEMO_COLD_START_MS    cold start: for this long after listening, requests take longer
//                         (a tenth of the cold time left, on top), while /healthz is
//                         ready at once: a pod that is ready before it is warm (default 0)
//
// Why the drain looks like this: closing a keep-alive connection that is idle
// *right now* races with a request the client may be sending on it at this very
// moment (the client sees "other side closed"). So, after SIGTERM the server
// stops accepting, answers every request (in flight or new on an open
// connection) with `Connection: close`, and closes a connection by itself only
// once it has stayed idle for a while; it exits 0 when no connection is left.
// A busy client sends on each of its connections well within the idle period,
// so almost every connection ends the safe way (Connection: close); the idle
// period is long (2 s) because a client stalled by a loaded machine leaves all
// its connections idle at once and then sends on all of them in a burst.
/* global setInterval, setImmediate */
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 8080);
const podName = process.env.POD_NAME || os.hostname();
const latencyMs = Number(process.env.DEMO_LATENCY_MS ?? 50);
const drain = process.env.DEMO_DRAIN !== '0';
const idleCloseMs = Number(process.env.DEMO_IDLE_CLOSE_MS ?? 2000);
const drainTimeoutMs = Number(process.env.DEMO_DRAIN_TIMEOUT_MS ?? 60000);
const coldStartMs = Number(process.env.DEMO_COLD_START_MS ?? 0);
const maxInflight = Number(process.env.DEMO_MAX_INFLIGHT ?? 0);
let inflight = 0;
let listeningAt = performance.now();
/** coldExtraMs is the extra time a request takes while the app is still warming up. */
const coldExtraMs = () => Math.max(0, coldStartMs - (performance.now() - listeningAt)) / 10;

const epochMs = () => (performance.timeOrigin + performance.now()).toFixed(1);
const log = (msg) => console.log(`${new Date().toISOString()} ${podName} ${msg}`);

/** Per-connection state: requests in flight, and since when it has been idle. */
const conns = new Map();
let draining = false;
let served = 0;

const server = http.createServer((req, res) => {
  const state = conns.get(req.socket);
  if (state) state.active += 1;
  res.setHeader('x-pod-name', podName);
  res.on('close', () => {
    served += 1;
    if (!state) return;
    state.active -= 1;
    state.idleSince = performance.now();
    state.bytesAtIdle = req.socket.bytesRead;
  });
  if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) {
    if (draining) res.setHeader('connection', 'close');
    res.writeHead(draining ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(draining ? 'draining\n' : 'ok\n');
    return;
  }
  // Drain the request body (if any) before answering, so the connection stays usable.
  req.resume();
  if (maxInflight > 0 && inflight >= maxInflight) {
    res.writeHead(503, { 'content-type': 'text/plain', 'content-length': 11 });
    res.end('overloaded\n');
    return;
  }
  inflight += 1;
  setTimeout(() => {
    inflight -= 1;
    if (draining) res.setHeader('connection', 'close');
    const body = JSON.stringify({ pod: podName, path: req.url, method: req.method }) + '\n';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, latencyMs + coldExtraMs());
});

// Longer than any client's idle timeout, so the server never closes an idle
// keep-alive connection under a client in normal operation.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.on('connection', (socket) => {
  conns.set(socket, { active: 0, idleSince: performance.now(), bytesAtIdle: 0 });
  socket.on('close', () => {
    conns.delete(socket);
    if (draining) maybeExit();
  });
});

server.on('error', (err) => {
  log(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  listeningAt = performance.now();
  log(`listening on ${host}:${port} (latency ${latencyMs}ms, drain ${drain ? 'on' : 'off'}${coldStartMs > 0 ? `, cold start ${coldStartMs}ms` : ''})`);
});

function maybeExit() {
  if (conns.size > 0) return;
  log(`drained (${served} requests served); exiting 0 at epochMs=${epochMs()}`);
  process.exit(0);
}

// bytesRead moving means a request is arriving that the parser has not handed us yet.
const quiet = (socket, state) => state.active === 0 && socket.bytesRead === state.bytesAtIdle;

function closeIdleConnections() {
  const now = performance.now();
  const due = [];
  for (const [socket, state] of conns) {
    if (quiet(socket, state) && now - state.idleSince >= idleCloseMs) due.push([socket, state]);
  }
  if (due.length === 0) return;
  // Timers run before the event loop reads sockets: look again once pending reads are
  // done (setImmediate runs after the poll phase), so a request already in the socket
  // buffer is answered with Connection: close instead of being cut off.
  setImmediate(() => {
    for (const [socket, state] of due) if (conns.has(socket) && quiet(socket, state)) socket.end();
  });
}

function onTerminate(signal) {
  if (draining) return;
  draining = true;
  if (!drain) {
    log(`${signal} at epochMs=${epochMs()}: naive shutdown, closing ${conns.size} connections and exiting 0`);
    for (const socket of conns.keys()) socket.destroy();
    process.exit(0);
  }
  log(`${signal} at epochMs=${epochMs()}: draining ${conns.size} connections`);
  // net.Server#close stops accepting; http.Server#close would also close idle
  // keep-alive connections at once, which is the race described above.
  net.Server.prototype.close.call(server);
  setInterval(closeIdleConnections, 50).unref();
  setTimeout(() => {
    log(`drain timeout after ${drainTimeoutMs}ms with ${conns.size} connections open; exiting 1`);
    process.exit(1);
  }, drainTimeoutMs).unref();
  maybeExit();
}

process.on('SIGTERM', () => onTerminate('SIGTERM'));
process.on('SIGINT', () => onTerminate('SIGINT'));
