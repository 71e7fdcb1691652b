import type { IncomingHttpHeaders } from 'node:http2';
import { statusKind } from '../classify.js';
import { copyBytes } from '../h2/frame-codec.js';
import type { AnswerReader, AnswerVerdict, H2Call } from '../h2/h2-contract.js';
import { headerText, HttpReader } from '../h2/http-reader.js';
import { FRAME_HEADER_BYTES, MessageCounter } from './grpc-frame.js';
import { decodeGrpcMessage, grpcCodeName } from './grpc-status.js';
import { decodeHealthCheckStatus, SERVING_STATUS } from '../../grpc-health.js';

// A health check's answer is a few bytes: keep at most this many of the body.
const HEALTH_BYTES = 64;

/**
 * GrpcReader reads a unary gRPC answer: grpc-status from the trailers, or from
 * the headers of a trailers-only answer; 0 is ok, anything else a
 * `grpc_error` named by its code with grpc-message as its message. An answer
 * that is not gRPC (a proxy's 502) is judged as HTTP; a missing grpc-status or
 * a body cut inside a message is INTERNAL, as gRPC clients see it. With
 * `health`, a HealthCheckResponse other than SERVING fails too (a draining
 * server says NOT_SERVING with status 0). One object per call (and its message
 * counter), no closures: the client makes one for every stream.
 */
export class GrpcReader extends HttpReader {
  private grpcStatus: string | undefined = undefined;
  private grpcMessage: string | undefined = undefined;
  private isGrpc = false;
  private readonly counter = new MessageCounter();
  // The health answer's first octets (a copy: the client's read buffer is reused), made at its first data.
  private kept: Buffer | null = null;
  private keptBytes = 0;

  constructor(
    r: H2Call,
    podHeader: string,
    private readonly health: boolean,
  ) {
    super(r, podHeader);
  }

  override headers(h: IncomingHttpHeaders): void {
    super.headers(h);
    this.isGrpc = (headerText(h, 'content-type') ?? '').startsWith('application/grpc') || h['grpc-status'] !== undefined;
    this.readStatus(h);
  }

  override data(buf: Buffer, start: number, end: number): void {
    if (!this.isGrpc) return super.data(buf, start, end);
    this.counter.push(buf, start, end);
    if (!this.health || this.keptBytes >= HEALTH_BYTES) return;
    this.kept ??= Buffer.allocUnsafe(HEALTH_BYTES);
    const n = Math.min(end - start, HEALTH_BYTES - this.keptBytes);
    copyBytes(buf, start, start + n, this.kept, this.keptBytes);
    this.keptBytes += n;
  }

  override trailers(h: IncomingHttpHeaders): void {
    this.readStatus(h);
  }

  override verdict(): AnswerVerdict {
    const status = this.r.status ?? 0;
    if (!this.isGrpc || status !== 200) {
      const v = super.verdict();
      return v.kind === 'ok' ? { kind: 'grpc_error', code: 'UNKNOWN', message: `HTTP ${status} answer without gRPC` } : v;
    }
    if (this.grpcStatus === undefined) return { kind: 'grpc_error', code: 'INTERNAL', message: 'the answer ended without grpc-status' };
    const code = Number(this.grpcStatus);
    if (code !== 0) return { kind: 'grpc_error', code: grpcCodeName(code), message: this.grpcMessage ?? '' };
    if (this.counter.truncated) return { kind: 'grpc_error', code: 'INTERNAL', message: 'the answer ended inside a message' };
    if (this.health) {
      const serving = this.kept !== null && this.keptBytes >= FRAME_HEADER_BYTES ? decodeHealthCheckStatus(this.kept.subarray(FRAME_HEADER_BYTES, this.keptBytes)) : 0;
      if (serving !== 1) {
        const name = SERVING_STATUS[serving] ?? `STATUS_${serving}`;
        return { kind: 'grpc_error', code: name, message: `health check answered ${name}` };
      }
    }
    return { kind: statusKind(status) };
  }

  private readStatus(h: IncomingHttpHeaders): void {
    const s = headerText(h, 'grpc-status');
    if (s === undefined) return;
    this.grpcStatus = s;
    const m = headerText(h, 'grpc-message');
    this.grpcMessage = m === undefined ? undefined : decodeGrpcMessage(m);
  }
}

/** createGrpcReader is a GrpcReader for call `r` (`health`: the answer is a HealthCheckResponse, SERVING or a failure). */
export function createGrpcReader(r: H2Call, podHeader: string, health: boolean): AnswerReader {
  return new GrpcReader(r, podHeader, health);
}
