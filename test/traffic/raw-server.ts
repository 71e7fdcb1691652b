// A TCP server on 127.0.0.1 that speaks just enough HTTP/1.1 to misbehave
// precisely: it splits requests (no bodies) and hands each one, numbered, to
// a behaviour that writes whatever bytes it likes, resets or closes.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';

/** RawRequest is one request the raw server read. */
export interface RawRequest {
  /** n numbers requests across the server (1-based). */
  n: number;
  /** onConn numbers requests on their connection (1-based). */
  onConn: number;
  /** head is the request's header section. */
  head: string;
  socket: net.Socket;
  /** servername is the SNI the client sent (TLS only; undefined without). */
  servername?: string;
}

/** RawTls makes the raw server speak TLS with this key and certificate (PEM). */
export interface RawTls {
  key: string;
  cert: string;
}

/** RawServer is a running raw server. */
export interface RawServer {
  url: string;
  port: number;
  /** requests counts requests read. */
  readonly requests: number;
  close(): Promise<void>;
}

/** startRawServer listens on 127.0.0.1, port 0, and calls `behaviour` for each request (over TLS with `tlsOptions`). */
export async function startRawServer(
  behaviour: (req: RawRequest) => void,
  tlsOptions?: RawTls,
): Promise<RawServer> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    const sni = (socket as tls.TLSSocket).servername;
    const servername = typeof sni === 'string' ? sni : undefined;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let onConn = 0;
    socket.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        n += 1;
        onConn += 1;
        behaviour({ n, onConn, head, socket, ...(servername !== undefined ? { servername } : {}) });
      }
    });
  };
  const server =
    tlsOptions === undefined
      ? net.createServer(onSocket)
      : tls.createServer(tlsOptions, onSocket).on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tlsOptions === undefined ? 'http' : 'https'}://127.0.0.1:${port}/`,
    port,
    get requests() {
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** ok200 is a complete keep-alive response naming the pod. */
export function ok200(pod = 'pod-a', body = 'ok'): string {
  return `HTTP/1.1 200 OK\r\nx-pod-name: ${pod}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
}
