// A scripted HTTP/2 server on a raw socket for the lean client's frame-level
// tests: it sends its SETTINGS, logs every frame the client sends (after
// checking the preface), acks the client's SETTINGS, and hands each complete
// request to the test's script, which writes whatever bytes it likes.
import { createServer, type Server, type Socket } from 'node:net';
import { frame } from './h2-hostile.js';

/** ClientFrame is one frame the client sent. */
export interface ClientFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** RawRequest is one complete request: its stream, and the body it carried. */
export interface RawRequest {
  streamId: number;
  body: Buffer;
}

/** RawScript is what the test does: on each connection, on each frame, on each complete request. */
export interface RawScript {
  /** settings is the server's SETTINGS payload (default: none); null sends no SETTINGS at all. */
  settings?: Buffer | null;
  connected?(socket: Socket): void;
  frame?(socket: Socket, f: ClientFrame): void;
  request(socket: Socket, req: RawRequest): void;
}

/** RawServer is a running scripted server, with every frame every client sent. */
export interface RawServer {
  port: number;
  frames: ClientFrame[];
  /** prefaceOk: every connection began with the client preface. */
  prefaceOk: boolean;
  close(): Promise<void>;
}

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** startRawServer starts the scripted server on 127.0.0.1, port 0. */
export async function startRawServer(script: RawScript): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: RawServer = { port: 0, frames: [], prefaceOk: true, close: async () => undefined };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (script.settings !== null) socket.write(frame(4, 0, 0, script.settings ?? Buffer.alloc(0)));
    script.connected?.(socket);
    serve(socket, script, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as { port: number }).port;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

function serve(socket: Socket, script: RawScript, state: RawServer): void {
  let buf = Buffer.alloc(0);
  let preface = false;
  const bodies = new Map<number, Buffer[]>();
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (!preface) {
      if (buf.length < PREFACE.length) return;
      if (buf.subarray(0, PREFACE.length).toString('latin1') !== PREFACE) state.prefaceOk = false;
      buf = buf.subarray(PREFACE.length);
      preface = true;
    }
    while (buf.length >= 9 && buf.length >= 9 + buf.readUIntBE(0, 3)) {
      const len = buf.readUIntBE(0, 3);
      const f: ClientFrame = { type: buf[3] as number, flags: buf[4] as number, streamId: buf.readUInt32BE(5) & 0x7fffffff, payload: Buffer.from(buf.subarray(9, 9 + len)) };
      buf = buf.subarray(9 + len);
      state.frames.push(f);
      if (f.type === 4 && (f.flags & 1) === 0) socket.write(frame(4, 1, 0));
      script.frame?.(socket, f);
      if (f.type === 1) bodies.set(f.streamId, []);
      if (f.type === 0) bodies.get(f.streamId)?.push(f.payload);
      if ((f.type === 0 || f.type === 1) && (f.flags & 1) !== 0) {
        const body = Buffer.concat(bodies.get(f.streamId) ?? []);
        bodies.delete(f.streamId);
        script.request(socket, { streamId: f.streamId, body });
      }
    }
  });
}
