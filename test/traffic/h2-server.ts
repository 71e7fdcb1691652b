// A node:http2 h2c server for tests that need a well-behaved HTTP/2 server
// whose connections the test closes on purpose: gracefully (each session's
// close: GOAWAY, open streams finish) or abruptly (its sockets destroyed: no GOAWAY).
import { createServer, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** H2Server is a node:http2 h2c server that answers each stream after `delayMs` and counts its sessions. */
export interface H2Server {
  url: string;
  sessions: Set<Http2Session>;
  /** sockets are its open TCP connections (destroying one sends no GOAWAY). */
  sockets: Set<Socket>;
  /** accepted counts the sessions it ever had; answered, the streams it answered. */
  accepted(): number;
  answered(): number;
  close(): Promise<void>;
}

/** startH2Server starts it on 127.0.0.1, port 0, naming itself `pod` in x-pod-name. */
export async function startH2Server(pod: string, delayMs: number): Promise<H2Server> {
  const server = createServer();
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  let accepted = 0;
  let answered = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (s) => {
    accepted += 1;
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    stream.on('error', () => undefined);
    setTimeout(() => {
      if (stream.destroyed || stream.closed) return;
      answered += 1;
      stream.respond({ ':status': 200, 'x-pod-name': pod });
      stream.end('ok');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sessions,
    sockets,
    accepted: () => accepted,
    answered: () => answered,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
