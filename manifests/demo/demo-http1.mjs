// The demo app over HTTP/1.1 (DEMO_PROTOCOL=http1, the default). Why the drain
// looks like this: see app.mjs.
/* global setInterval, setImmediate */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { armDrainTimeout, config, epochMs, exitIfDrained, listen, log, onSignals, workMs } from './demo-common.mjs';

const { podName, drain, idleCloseMs, streamMs } = config;

/** Per-connection state: requests in flight, and since when it has been idle. */
const conns = new Map();
let draining = false;
let served = 0;
let inflight = 0;

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
  if (config.maxInflight > 0 && inflight >= config.maxInflight) {
    res.writeHead(503, { 'content-type': 'text/plain', 'content-length': 11 });
    res.end('overloaded\n');
    return;
  }
  inflight += 1;
  res.on('close', () => (inflight -= 1));
  const body = JSON.stringify({ pod: podName, path: req.url, method: req.method }) + '\n';
  if (streamMs > 0) {
    // A long stream: the head goes out at once, the body after DEMO_STREAM_MS.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    setTimeout(() => res.end(body), streamMs);
    return;
  }
  setTimeout(() => {
    if (draining) res.setHeader('connection', 'close');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, workMs());
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

listen(server);

function maybeExit() {
  exitIfDrained(conns.size, `${served} requests served`);
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
  armDrainTimeout(
    () => `${conns.size} connections open`,
    () => {
      for (const socket of conns.keys()) socket.destroy();
    },
  );
  maybeExit();
}

onSignals(onTerminate);
