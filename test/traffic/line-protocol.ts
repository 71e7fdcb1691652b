// A protocol of our own for the protocol seam's test: one text line each way
// on a TCP connection. The client sends "REQ <method> <path>\n"; the server
// answers "OK <pod>\n" or "FAIL <reason>\n", closes the connection, or never
// answers. The client is a ProtocolClient registered like the built-in ones,
// so the real engine drives it through the registry.
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ProtocolClient, ProtocolPoolOptions, Slot } from '../../src/traffic/protocol.js';
import type { InFlightRequest } from '../../src/traffic/request.js';
import { createSlotPool, slotClosed, slotOpened } from '../../src/traffic/slot-pool.js';

/** LINE_PROTOCOL is the line protocol's name in the registry. */
export const LINE_PROTOCOL = 'line-test';

/** LineAnswer is what the server does with request number n (1-based, across the server). */
export type LineAnswer = 'ok' | 'fail' | 'close' | 'stall';

/** LineServer is a running line server and what it did. */
export interface LineServer {
  url: string;
  counts: Record<LineAnswer, number> & { requests: number; connections: number };
  close(): Promise<void>;
}

/** startLineServer listens on 127.0.0.1, port 0; `answer` decides each request's fate; `pod` names the pod of each connection. */
export async function startLineServer(answer: (n: number) => LineAnswer, pod: (conn: number) => string): Promise<LineServer> {
  const counts = { requests: 0, connections: 0, ok: 0, fail: 0, close: 0, stall: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    counts.connections += 1;
    const name = pod(counts.connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      for (let lf = pending.indexOf('\n'); lf >= 0; lf = pending.indexOf('\n')) {
        const line = pending.slice(0, lf);
        pending = pending.slice(lf + 1);
        if (!line.startsWith('REQ ')) continue;
        counts.requests += 1;
        const what = answer(counts.requests);
        counts[what] += 1;
        if (what === 'ok') socket.write(`OK ${name}\n`);
        else if (what === 'fail') socket.write('FAIL busy\n');
        else if (what === 'close') socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `line://127.0.0.1:${port}/`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** LineSlot is one line-protocol connection carrying one request at a time. */
class LineSlot implements Slot {
  connId = '';
  pendingConnId: string | null = null;
  connected = false;
  requests = 0;
  pod: string | undefined = undefined;
  private socket: net.Socket | null = null;
  private current: InFlightRequest | null = null;
  private pending = '';

  constructor(private readonly o: ProtocolPoolOptions) {}

  dispatch(r: InFlightRequest): void {
    this.current = r;
    if (this.connected) this.write(r);
    else if (this.socket === null) this.connect();
  }

  destroy(): void {
    const socket = this.socket;
    this.gone('ECONNABORTED', 'the pool closed');
    socket?.destroy();
  }

  private connect(): void {
    const url = new URL(this.o.origin);
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    this.socket = socket;
    this.pending = '';
    // Events of a socket the slot already gave up on say nothing about the current one.
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      slotOpened(this, this.o);
      if (this.current !== null) this.write(this.current);
    });
    socket.on('data', (d: Buffer) => {
      if (socket === this.socket) this.read(d.toString('latin1'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (socket === this.socket) this.gone(err.code ?? 'ERROR', err.message);
    });
    socket.on('close', () => {
      if (socket === this.socket) this.gone('ECONNRESET', 'the server closed the connection');
    });
  }

  private write(r: InFlightRequest): void {
    r.wroteOn(this);
    const spec = this.o.requests[r.mixIndex];
    this.socket?.write(`REQ ${spec?.method ?? r.method} ${spec?.path ?? '/'}\n`);
  }

  private read(text: string): void {
    this.pending += text;
    for (let lf = this.pending.indexOf('\n'); lf >= 0; lf = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, lf);
      this.pending = this.pending.slice(lf + 1);
      const r = this.current;
      if (r === null) continue;
      this.current = null;
      if (line.startsWith('OK ')) {
        this.pod = r.pod = line.slice(3);
        this.o.settle(r, 'ok');
      } else this.o.settle(r, 'other', 'LINE_FAIL', line);
    }
  }

  // gone: the connection ended (error or close); a request on it fails, as refused when it never opened.
  private gone(code: string, message: string): void {
    const wasConnected = this.connected;
    this.socket = null;
    slotClosed(this, this.o);
    if (!wasConnected) this.pendingConnId = null;
    const r = this.current;
    if (r === null) return;
    this.current = null;
    if (!wasConnected) this.o.settle(r, code === 'ECONNREFUSED' ? 'refused' : 'other', code, message);
    else this.o.settle(r, r.reused ? 'closed_before_response' : 'reset', code, message);
  }
}

/** lineClient is the line protocol as the registry holds it. */
export const lineClient: ProtocolClient = {
  protocol: LINE_PROTOCOL,
  client: 'lean',
  createPool: (options) =>
    createSlotPool<LineSlot>(options, {
      make: () => new LineSlot(options),
      dispatch: (slot, r) => slot.dispatch(r),
      destroy: async (slot) => slot.destroy(),
    }),
};
