// pods/exec over WebSocket, as the API server serves it to kubectl (1.30+) and
// client-node: a GET with `Upgrade: websocket` on
// /api/v1/namespaces/{ns}/pods/{name}/exec?command=…&container=…&stdout=true,
// subprotocol v5.channel.k8s.io or v4.channel.k8s.io, then binary messages whose
// first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 the final
// metav1.Status, 255 "close this channel" in v5). The framing (RFC 6455) is
// written out here: the handshake's accept hash, masked client frames, unmasked
// server frames, ping/pong and close.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { spawn } from 'node:child_process';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** PROTOCOLS are the channel protocols served, preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** ExecTarget is how to run a command in a pod's container: the argv that enters its namespaces, or why it cannot. */
export type ExecTarget = { argv: string[] } | { error: string } | { stall: true };

/** acceptKey is the Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** encodeFrame writes one final server frame (servers never mask). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Frame is one decoded client frame. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** decodeFrames takes every whole frame off the front of `buf` (unmasking client frames) and returns them with what is left. */
export function decodeFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const b0 = buf[at] as number;
    const b1 = buf[at + 1] as number;
    let len = b1 & 0x7f;
    let off = at + 2;
    if (len === 126) {
      if (buf.length < off + 2) break;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (buf.length < off + 8) break;
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buf.subarray(off, off + 4) : null;
    if (masked) off += 4;
    if (buf.length < off + len) break;
    const payload = Buffer.from(buf.subarray(off, off + len));
    if (mask) for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload });
    at = off + len;
  }
  return { frames, rest: buf.subarray(at) };
}

/** refuseUpgrade answers an upgrade request with a plain HTTP error and a metav1.Status, as the API server does before any upgrade. */
export function refuseUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const text = code === 403 ? 'Forbidden' : code === 404 ? 'Not Found' : code === 401 ? 'Unauthorized' : 'Bad Request';
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * serveExec completes the handshake and runs `target` with stdout and stderr
 * on channels 1 and 2 (stdin, asked for or not, is not wired: rollcheck and
 * `kubectl exec` without -i send none), then sends the Status on channel 3
 * and closes. A client close ends the command.
 */
export function serveExec(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget): void {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const protocol = EXEC_PROTOCOLS.find((p) => offered.includes(p));
  const key = req.headers['sec-websocket-key'];
  if (!protocol || typeof key !== 'string') {
    return refuseUpgrade(socket, 400, 'BadRequest', `a WebSocket upgrade with one of the subprotocols ${EXEC_PROTOCOLS.join(', ')} is required`);
  }
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  const send = (channel: number, data: Buffer): void => {
    if (!socket.writableEnded && !socket.destroyed) socket.write(encodeFrame(OP_BINARY, Buffer.concat([Buffer.from([channel]), data])));
  };
  const finish = (status: object): void => {
    send(3, Buffer.from(JSON.stringify(status)));
    if (!socket.writableEnded && !socket.destroyed) socket.end(encodeFrame(OP_CLOSE, Buffer.from([0x03, 0xe8])));
  };
  let kill = (): void => undefined;
  let pending = head;
  // Reading goes on after our close frame: the client's answering close (or its end) lets the socket go.
  const onData = (d: Buffer): void => {
    const { frames, rest } = decodeFrames(Buffer.concat([pending, d]));
    pending = rest;
    for (const f of frames) {
      if (f.opcode === OP_PING) socket.write(encodeFrame(OP_PONG, f.payload));
      else if (f.opcode === OP_CLOSE) {
        kill();
        if (!socket.writableEnded) socket.end(encodeFrame(OP_CLOSE, f.payload.subarray(0, 2)));
        else socket.destroy();
      }
      // Binary frames are stdin (channel 0) or, in v5, a channel close (255): nothing to do without stdin.
    }
  };
  socket.on('data', onData);
  socket.on('end', () => socket.destroy());
  socket.on('close', () => kill());
  socket.on('error', () => kill());
  if (head.length > 0) onData(Buffer.alloc(0));
  if ('error' in target) {
    return finish({ metadata: {}, status: 'Failure', message: target.error, reason: 'InternalError', code: 500 });
  }
  // Upgraded, then silence: the node behind the pod never answers.
  if ('stall' in target) return;
  const [cmd, ...args] = target.argv as [string, ...string[]];
  // Its own process group: a kill takes the process that entered the pod with it (else it would be reparented to the pod's PID 1).
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  kill = (): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  child.stdout.on('data', (d: Buffer) => send(1, d));
  child.stderr.on('data', (d: Buffer) => send(2, d));
  child.once('error', (e) => finish({ metadata: {}, status: 'Failure', message: `cannot exec: ${e.message}`, reason: 'InternalError', code: 500 }));
  child.once('close', (code, signal) => {
    if (code === 0) return finish({ metadata: {}, status: 'Success' });
    const exit = code ?? 128;
    finish({
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: ${signal ? `killed by ${signal}` : `exit status ${exit}`}`,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(exit) }] },
    });
  });
}
