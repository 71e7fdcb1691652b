// HTTP/2 servers that misbehave on purpose, written frame by frame on a raw
// socket (cleartext or TLS with ALPN h2) so that each misbehaviour is exactly
// the frames named: GOAWAY then close, a GOAWAY with a low last-stream-id,
// RST_STREAM REFUSED_STREAM or CANCEL mid-body, a server that stops reading, a
// server that holds every stream. The first connection misbehaves once it holds
// `streams` complete requests; later connections (a client's retries) answer
// well. Every request is logged with what the server did to it. Answers are
// plain HTTP/2 or gRPC (`grpc: true`).
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** Hostility names a misbehaviour of the first connection. */
export type Hostility = 'batch' | 'goaway-then-close' | 'goaway-low' | 'refuse' | 'cancel-mid-body' | 'stop-reading' | 'hold' | 'well';

/** ServerAction is what the server did to one request. */
export type ServerAction = 'answered' | 'closed-after-goaway' | 'refused-by-goaway' | 'refused' | 'cancelled' | 'held';

/** StreamLog is one request the server read: on which connection and stream, its id (the body's `req-N`), and what it got. */
export interface StreamLog {
  conn: number;
  streamId: number;
  req: string;
  action: ServerAction;
}

/** HostileOptions choose the misbehaviour, how many requests it waits for, and the answer's form. */
export interface HostileOptions {
  hostility: Hostility;
  streams: number;
  grpc?: boolean;
  tls?: { key: string; cert: string };
  maxConcurrentStreams?: number;
}

/** HostileServer is a running hostile server on 127.0.0.1. */
export interface HostileServer {
  port: number;
  log: StreamLog[];
  /** connections counts the connections it accepted. */
  connections(): number;
  /** ready resolves once the first connection holds `streams` requests (before it misbehaves). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const PREFACE_BYTES = 24;
const T = { DATA: 0, HEADERS: 1, RST: 3, SETTINGS: 4, PING: 6, GOAWAY: 7 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const ACK = 0x1;
const CANCEL = 8;
const REFUSED = 7;

/** frame builds one HTTP/2 frame. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** hpack encodes header fields as literals without indexing (`:status 200` as its static-table index). */
export function hpack(fields: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    if (name === ':status' && value === '200') {
      parts.push(Buffer.from([0x88]));
      continue;
    }
    parts.push(Buffer.from([0x00, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value));
  }
  return Buffer.concat(parts);
}

/** goawayFrame is a GOAWAY with its last-stream-id, error code and debug data. */
export function goawayFrame(lastStreamId: number, code: number, debug = ''): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastStreamId, 0);
  p.writeUInt32BE(code, 4);
  return frame(T.GOAWAY, 0, 0, Buffer.concat([p, Buffer.from(debug)]));
}

function rstFrame(streamId: number, code: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(code, 0);
  return frame(T.RST, 0, streamId, p);
}

// A gRPC message: the HealthCheckResponse {status: SERVING}, length-prefixed.
const GRPC_MESSAGE = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);

/** answerFrames is a whole answer on `streamId`: headers, body, and for gRPC the trailers with grpc-status 0. */
function answerFrames(streamId: number, conn: number, grpc: boolean): Buffer {
  const pod = `hostile-${conn}`;
  if (!grpc) {
    return Buffer.concat([
      frame(T.HEADERS, END_HEADERS, streamId, hpack([[':status', '200'], ['x-pod-name', pod]])),
      frame(T.DATA, END_STREAM, streamId, Buffer.from('ok')),
    ]);
  }
  return Buffer.concat([
    frame(T.HEADERS, END_HEADERS, streamId, hpack([[':status', '200'], ['content-type', 'application/grpc'], ['x-pod-name', pod]])),
    frame(T.DATA, 0, streamId, GRPC_MESSAGE),
    frame(T.HEADERS, END_HEADERS | END_STREAM, streamId, hpack([['grpc-status', '0']])),
  ]);
}

/** partialFrames begins an answer and stops mid-body (a gRPC message announced longer than sent). */
function partialFrames(streamId: number, conn: number, grpc: boolean): Buffer {
  const head: Array<[string, string]> = [[':status', '200'], ['x-pod-name', `hostile-${conn}`]];
  if (grpc) head.push(['content-type', 'application/grpc']);
  const body = grpc ? Buffer.from([0, 0, 0, 0, 10, 0x08]) : Buffer.from('par');
  return Buffer.concat([frame(T.HEADERS, END_HEADERS, streamId, hpack(head)), frame(T.DATA, 0, streamId, body)]);
}

interface Pending {
  streamId: number;
  body: Buffer[];
}

/** startHostileServer starts a hostile server on 127.0.0.1, port 0. */
export async function startHostileServer(o: HostileOptions): Promise<HostileServer> {
  const log: StreamLog[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const onSocket = (socket: Socket): void => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    serveConnection(socket, accepted, o, log, markReady);
  };
  const server: Server = o.tls
    ? createTlsServer({ key: o.tls.key, cert: o.tls.cert, ALPNProtocols: ['h2'] }, onSocket)
    : createTcpServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    log,
    connections: () => accepted,
    ready,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveConnection(socket: Socket, conn: number, o: HostileOptions, log: StreamLog[], ready: () => void): void {
  const settings = Buffer.alloc(o.maxConcurrentStreams === undefined ? 0 : 6);
  if (o.maxConcurrentStreams !== undefined) {
    settings.writeUInt16BE(0x3, 0);
    settings.writeUInt32BE(o.maxConcurrentStreams, 2);
  }
  socket.write(frame(T.SETTINGS, 0, 0, settings));
  const hostile = conn === 1 ? o.hostility : 'well';
  if (hostile === 'stop-reading') {
    socket.pause();
    ready();
    return;
  }
  const grpc = o.grpc === true;
  const open = new Map<number, Pending>();
  const complete: Pending[] = [];
  let buf = Buffer.alloc(0);
  let prefaceSeen = false;
  let acted = false;
  const finish = (p: Pending): void => {
    open.delete(p.streamId);
    const req = /req-(\d+)/.exec(Buffer.concat(p.body).toString('latin1'))?.[0] ?? `#${p.streamId}`;
    // Once it has misbehaved, a connection still open answers what comes next (a client's retry on it).
    if (hostile === 'well' || (acted && hostile !== 'hold')) {
      log.push({ conn, streamId: p.streamId, req, action: 'answered' });
      socket.write(answerFrames(p.streamId, conn, grpc));
      return;
    }
    complete.push(p);
    (p as Pending & { req: string }).req = req;
    if (complete.length === o.streams && !acted) {
      acted = true;
      ready();
      misbehave(socket, conn, hostile, complete as Array<Pending & { req: string }>, grpc, log);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (!prefaceSeen) {
      if (buf.length < PREFACE_BYTES) return;
      buf = buf.subarray(PREFACE_BYTES);
      prefaceSeen = true;
    }
    while (buf.length >= 9) {
      const len = buf.readUIntBE(0, 3);
      if (buf.length < 9 + len) return;
      const type = buf[3] as number;
      const flags = buf[4] as number;
      const id = buf.readUInt32BE(5) & 0x7fffffff;
      const payload = buf.subarray(9, 9 + len);
      buf = buf.subarray(9 + len);
      if (type === T.SETTINGS && (flags & ACK) === 0) socket.write(frame(T.SETTINGS, ACK, 0));
      else if (type === T.PING && (flags & ACK) === 0) socket.write(frame(T.PING, ACK, 0, payload));
      else if (type === T.HEADERS && !open.has(id)) {
        const p: Pending = { streamId: id, body: [] };
        open.set(id, p);
        if (flags & END_STREAM) finish(p);
      } else if (type === T.DATA && open.has(id)) {
        const p = open.get(id) as Pending;
        p.body.push(Buffer.from(payload));
        if (flags & END_STREAM) finish(p);
      }
    }
  });
}

/** misbehave does the first connection's misbehaviour to the requests it holds, logging each. */
function misbehave(socket: Socket, conn: number, hostility: Hostility, held: Array<Pending & { req: string }>, grpc: boolean, log: StreamLog[]): void {
  const n = held.length;
  const note = (p: Pending & { req: string }, action: ServerAction): void => void log.push({ conn, streamId: p.streamId, req: p.req, action });
  const answer = (p: Pending & { req: string }): void => {
    note(p, 'answered');
    socket.write(answerFrames(p.streamId, conn, grpc));
  };
  if (hostility === 'batch') {
    for (const p of held) answer(p);
    return;
  }
  if (hostility === 'hold') {
    for (const p of held) note(p, 'held');
    return;
  }
  if (hostility === 'refuse' || hostility === 'cancel-mid-body') {
    held.forEach((p, i) => {
      if (i % 2 === 0) return answer(p);
      if (hostility === 'refuse') {
        note(p, 'refused');
        socket.write(rstFrame(p.streamId, REFUSED));
      } else {
        note(p, 'cancelled');
        socket.write(Buffer.concat([partialFrames(p.streamId, conn, grpc), rstFrame(p.streamId, CANCEL)]));
      }
    });
    return;
  }
  if (hostility === 'goaway-low') {
    // Streams up to the middle one are processed and answered; the rest never were.
    const b = Math.floor(n / 2);
    socket.write(goawayFrame((held[b - 1] as Pending).streamId, 0, 'draining'));
    held.forEach((p, i) => (i < b ? answer(p) : note(p, 'refused-by-goaway')));
    socket.end();
    return;
  }
  // goaway-then-close: a third answered, a third promised by the GOAWAY but cut by the close, a third above its last id.
  const a = Math.floor(n / 3);
  const b = Math.floor((2 * n) / 3);
  held.forEach((p, i) => (i < a ? answer(p) : undefined));
  socket.write(goawayFrame((held[b - 1] as Pending).streamId, 0, 'shutting down'));
  held.forEach((p, i) => (i >= a ? note(p, i < b ? 'closed-after-goaway' : 'refused-by-goaway') : undefined));
  socket.end();
}
