// The demo app over HTTP/2 cleartext (DEMO_PROTOCOL=h2c: the same GET API as
// HTTP/1.1) or as a gRPC server (DEMO_PROTOCOL=grpc: grpc.health.v1.Health/Check
// and the unary rollcheck.demo.Demo/Work), on node:http2. See app.mjs for the knobs.
import http2 from 'node:http2';
import net from 'node:net';
import { armDrainTimeout, config, epochMs, exitIfDrained, listen, log, onSignals, workMs } from './demo-common.mjs';

const { podName, drain, streamMs, maxConnectionAgeMs, maxConnectionAgeGraceMs } = config;
const grpc = config.protocol === 'grpc';
const { NGHTTP2_CANCEL } = http2.constants;

/** GRPC_SERVICE is the demo's own service: Check answers for it and for the whole server (''). */
const GRPC_SERVICE = 'rollcheck.demo.Demo';
const SERVING = 1;
const NOT_SERVING = 2;

const sessions = new Set();
const sockets = new Set();
const streams = new Set();
let draining = false;
let served = 0;

const server = http2.createServer();

server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

server.on('session', (session) => {
  sessions.add(session);
  session.on('error', () => undefined);
  let ageTimer;
  if (maxConnectionAgeMs > 0) {
    // ±10 % jitter, as gRPC's MAX_CONNECTION_AGE, so connections opened together do not all leave together.
    ageTimer = setTimeout(() => ageOut(session), maxConnectionAgeMs * (0.9 + Math.random() * 0.2));
  }
  session.on('close', () => {
    clearTimeout(ageTimer);
    sessions.delete(session);
    if (draining) maybeExit();
  });
});

/** ageOut sends a connection that reached DEMO_MAX_CONNECTION_AGE its GOAWAY; it closes once its streams are done. */
function ageOut(session) {
  if (session.closed || session.destroyed) return;
  log(`connection reached its max age (${maxConnectionAgeMs}ms): GOAWAY`);
  session.close();
  if (maxConnectionAgeGraceMs > 0) setTimeout(() => session.destroy(), maxConnectionAgeGraceMs).unref();
}

server.on('stream', (stream, headers) => {
  streams.add(stream);
  stream.on('error', () => undefined);
  stream.on('close', () => {
    streams.delete(stream);
    served += 1;
  });
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('end', () => (grpc ? onGrpc : onHttp)(stream, headers, Buffer.concat(chunks)));
});

/** later runs `fn` after `ms` unless the stream is gone by then. */
function later(stream, ms, fn) {
  setTimeout(() => {
    if (!stream.destroyed && !stream.closed) fn();
  }, ms);
}

function onHttp(stream, headers) {
  const path = headers[':path'] ?? '/';
  if (path === '/healthz' || path.startsWith('/healthz?')) {
    stream.respond({ ':status': draining ? 503 : 200, 'content-type': 'text/plain', 'x-pod-name': podName });
    stream.end(draining ? 'draining\n' : 'ok\n');
    return;
  }
  const body = JSON.stringify({ pod: podName, path, method: headers[':method'] }) + '\n';
  const head = { ':status': 200, 'content-type': 'application/json', 'x-pod-name': podName };
  if (streamMs > 0) {
    stream.respond(head);
    later(stream, streamMs, () => stream.end(body));
    return;
  }
  later(stream, workMs(), () => {
    stream.respond({ ...head, 'content-length': Buffer.byteLength(body) });
    stream.end(body);
  });
}

function onGrpc(stream, headers, body) {
  const path = headers[':path'] ?? '';
  if (!String(headers['content-type'] ?? '').startsWith('application/grpc')) {
    stream.respond({ ':status': 415, 'x-pod-name': podName }, { endStream: true });
    return;
  }
  if (path === '/grpc.health.v1.Health/Check') {
    const service = readStringField(body.subarray(5));
    if (service !== '' && service !== GRPC_SERVICE) return trailersOnly(stream, 5, `unknown service ${service}`);
    return answer(stream, varintMessage(draining ? NOT_SERVING : SERVING));
  }
  if (path !== `/${GRPC_SERVICE}/Work`) return trailersOnly(stream, 12, `method ${path} is not implemented`);
  const reply = stringMessage(podName);
  if (streamMs > 0) {
    stream.respond(grpcHead(), { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    later(stream, streamMs, () => stream.end(frame(reply)));
    return;
  }
  later(stream, workMs(), () => answer(stream, reply));
}

const grpcHead = () => ({ ':status': 200, 'content-type': 'application/grpc', 'x-pod-name': podName });

/** answer sends one message and grpc-status 0 in the trailers. */
function answer(stream, message) {
  stream.respond(grpcHead(), { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frame(message));
}

function trailersOnly(stream, code, message) {
  stream.respond({ ...grpcHead(), 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }, { endStream: true });
}

function frame(message) {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/** varintMessage is a message whose field 1 is the varint `n` (HealthCheckResponse). */
const varintMessage = (n) => Buffer.from([0x08, n]);

/** stringMessage is a message whose field 1 is the string `s` (WorkReply { string pod = 1; }). */
function stringMessage(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, b.length & 0x7f]), b.subarray(0, 127)]);
}

/** readStringField reads field 1 (a short string) of a message, '' when absent (HealthCheckRequest.service). */
function readStringField(m) {
  if (m.length < 2 || m[0] !== 0x0a) return '';
  return m.subarray(2, 2 + m[1]).toString('utf8');
}

listen(server);

function maybeExit() {
  exitIfDrained(sessions.size, `${served} streams served`);
}

function onTerminate(signal) {
  if (draining) return;
  draining = true;
  if (!drain) {
    // The naive server: every connection cut, no GOAWAY, open streams die with it.
    log(`${signal} at epochMs=${epochMs()}: abrupt shutdown, ${sessions.size} connections and ${streams.size} streams cut without GOAWAY; exiting 0`);
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
  log(`${signal} at epochMs=${epochMs()}: graceful stop, GOAWAY on ${sessions.size} connections with ${streams.size} streams open`);
  // net.Server#close stops accepting without touching the sessions; each session's
  // close() sends GOAWAY (last stream id: the last one it took), lets open streams
  // finish and refuses new ones.
  net.Server.prototype.close.call(server);
  for (const session of sessions) session.close();
  armDrainTimeout(
    () => `${streams.size} streams open`,
    () => {
      // RST_STREAM CANCEL on what is left; the exit that follows closes the connections.
      for (const stream of streams) stream.close(NGHTTP2_CANCEL);
    },
  );
  maybeExit();
}

onSignals(onTerminate);
