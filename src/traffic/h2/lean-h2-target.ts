// What the lean HTTP/2 client's connections of one pool share (where to dial,
// how to trust it, the request templates, whom to tell) and the dial itself:
// TCP for h2c (reading into the pool's one buffer), TLS with ALPN h2 for h2.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ConnectionChange } from './h2-connection-state.js';
import type { H2Call, H2Settle } from './h2-contract.js';
import type { LeanH2Connection } from './lean-h2-connection.js';
import type { LeanH2Stream } from './lean-h2-stream.js';

/** RequestTemplate is one --mix entry's request as bytes: a whole HEADERS frame (stream id patched per call) and the body. */
export interface RequestTemplate {
  headers: Buffer;
  body: Buffer | null;
}

/** LeanH2Target is what a pool's connections share: where to dial, what to send, whom to tell. */
export interface LeanH2Target {
  host: string;
  port: number;
  /** tls, for h2: the TLS options (ALPN h2, SNI, --ca-cert, --insecure); null for h2c. */
  tls: tls.ConnectionOptions | null;
  timeoutMs: number;
  /** readBuffer: every cleartext socket of the pool reads into it; each read is parsed before the next. */
  readBuffer: Buffer;
  requests: RequestTemplate[];
  podHeader: string;
  nowMs(): number;
  settle: H2Settle<H2Call>;
  /** ended is told when a stream is settled: its capacity is free. */
  ended(conn: LeanH2Connection, stream: LeanH2Stream): void;
  /** changed is told when the connection opens, learns the server's settings, gets a GOAWAY or goes. */
  changed(conn: LeanH2Connection, change: ConnectionChange): void;
}

/** DialEvents are what a dialled socket tells its connection. */
export interface DialEvents {
  /** opened: TCP connected, or the TLS handshake done. */
  opened(): void;
  /** read: `n` bytes arrived at the start of `buf` (valid until read returns). */
  read(buf: Buffer, n: number): void;
  failed(code: string): void;
  closed(): void;
}

/** dialH2 opens the socket of one connection to the target. */
export function dialH2(t: LeanH2Target, on: DialEvents): net.Socket {
  let socket: net.Socket;
  if (t.tls !== null) {
    socket = tls.connect(t.tls);
    socket.on('secureConnect', on.opened);
    socket.on('data', (d: Buffer) => on.read(d, d.length));
  } else {
    socket = net.connect({
      host: t.host,
      port: t.port,
      onread: { buffer: t.readBuffer, callback: (n: number, buf: Uint8Array) => (on.read(buf as Buffer, n), true) },
    });
    socket.on('connect', on.opened);
  }
  socket.setNoDelay(true);
  socket.on('error', (err: NodeJS.ErrnoException) => on.failed(err.code ?? err.name));
  socket.on('close', on.closed);
  return socket;
}
