import type { IncomingHttpHeaders } from 'node:http2';
import { statusKind } from '../classify.js';
import type { AnswerReader, AnswerVerdict, H2Call } from '../h2/h2-contract.js';
import { createHttpReader, headerText } from '../h2/http-reader.js';
import { FRAME_HEADER_BYTES, MessageCounter } from './grpc-frame.js';
import { decodeGrpcMessage, grpcCodeName } from './grpc-status.js';
import { decodeHealthCheckStatus, SERVING_STATUS } from '../../grpc-health.js';

// A health check's answer is a few bytes: keep at most this many of the body.
const HEALTH_BYTES = 64;

/**
 * createGrpcReader reads a unary gRPC answer: grpc-status from the trailers,
 * or from the headers of a trailers-only answer; 0 is ok, anything else a
 * `grpc_error` named by its code with grpc-message as its message. An answer
 * that is not gRPC (a proxy's 502) is judged as HTTP; a missing grpc-status or a
 * body cut inside a message is INTERNAL, as gRPC clients see it. With `health`,
 * a HealthCheckResponse other than SERVING fails too (a draining server says
 * NOT_SERVING with status 0).
 */
export function createGrpcReader(r: H2Call, podHeader: string, health: boolean): AnswerReader {
  const http = createHttpReader(r, podHeader);
  let grpcStatus: string | undefined;
  let grpcMessage: string | undefined;
  let isGrpc = false;
  const counter = new MessageCounter();
  let kept: Buffer[] | null = health ? [] : null;
  let keptBytes = 0;
  const readStatus = (h: IncomingHttpHeaders): void => {
    const s = headerText(h, 'grpc-status');
    if (s === undefined) return;
    grpcStatus = s;
    const m = headerText(h, 'grpc-message');
    grpcMessage = m === undefined ? undefined : decodeGrpcMessage(m);
  };
  return {
    headers(h) {
      http.headers(h);
      isGrpc = (headerText(h, 'content-type') ?? '').startsWith('application/grpc') || h['grpc-status'] !== undefined;
      readStatus(h);
    },
    data(chunk) {
      if (!isGrpc) return http.data(chunk);
      counter.push(chunk);
      if (kept !== null && keptBytes < HEALTH_BYTES) {
        kept.push(chunk);
        keptBytes += chunk.length;
      }
    },
    trailers(h) {
      readStatus(h);
    },
    verdict(): AnswerVerdict {
      const status = r.status ?? 0;
      if (!isGrpc || status !== 200) {
        const v = http.verdict();
        return v.kind === 'ok' ? { kind: 'grpc_error', code: 'UNKNOWN', message: `HTTP ${status} answer without gRPC` } : v;
      }
      if (grpcStatus === undefined) return { kind: 'grpc_error', code: 'INTERNAL', message: 'the answer ended without grpc-status' };
      const code = Number(grpcStatus);
      if (code !== 0) return { kind: 'grpc_error', code: grpcCodeName(code), message: grpcMessage ?? '' };
      if (counter.truncated) return { kind: 'grpc_error', code: 'INTERNAL', message: 'the answer ended inside a message' };
      if (kept !== null) {
        const body = Buffer.concat(kept);
        kept = null;
        const serving = body.length >= FRAME_HEADER_BYTES ? decodeHealthCheckStatus(body.subarray(FRAME_HEADER_BYTES)) : 0;
        if (serving !== 1) {
          const name = SERVING_STATUS[serving] ?? `STATUS_${serving}`;
          return { kind: 'grpc_error', code: name, message: `health check answered ${name}` };
        }
      }
      return { kind: statusKind(status) };
    },
  };
}
