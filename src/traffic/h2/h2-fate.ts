// What became of one HTTP/2 stream, read from what the client saw of it and of
// its connection. Pure: the connection code gathers the facts, this decides.
import { constants } from 'node:http2';
import type { OutcomeKind } from '../../results/types.js';

/** H2_ERROR_NAMES names the HTTP/2 error codes (RFC 9113 §7) of RST_STREAM and GOAWAY frames. */
export const H2_ERROR_NAMES: readonly string[] = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

/** h2ErrorName is the name of an HTTP/2 error code (`0x1f` style for one RFC 9113 does not name). */
export function h2ErrorName(code: number): string {
  return H2_ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** StreamFacts is what the client knew of a stream and its connection when the stream ended. */
export interface StreamFacts {
  /** streamId is the stream's id (0: it never got one, the connection never opened). */
  streamId: number;
  /** connected: the connection had opened (TCP and, over TLS, the handshake). */
  connected: boolean;
  /** goawayLastStreamId is the lowest last-stream-id of the GOAWAYs received before the stream ended. */
  goawayLastStreamId: number | undefined;
  /** goawayCode is the error code of the last GOAWAY received before the stream ended. */
  goawayCode: number | undefined;
  /** rstCode is the stream's close code (node's `rstCode`): a received RST_STREAM's, or the one node closed it with. */
  rstCode: number | undefined;
  /** connectionGone: the connection was destroyed (socket closed or failed) when the stream ended. */
  connectionGone: boolean;
  /** errorCode is the connection's or stream's error code (ECONNRESET, ECONNREFUSED, ETIMEDOUT, …). */
  errorCode: string | undefined;
  /** responseStarted: the response's headers had arrived. */
  responseStarted: boolean;
  /** ended: the server ended the stream (END_STREAM received); the answer decides the outcome. */
  ended: boolean;
  /** timedOut: the client gave up on the stream after --timeout. */
  timedOut: boolean;
}

/** StreamFate is a failed stream's kind, error code and message (an answered stream is judged by its answer). */
export interface StreamFate {
  kind: OutcomeKind;
  code: string;
  message: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ECONNECT_TIMEOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * streamFate classifies a stream that ended without a complete answer, in the
 * order that makes each fate unambiguous: given up on; never connected; above a
 * GOAWAY's last-stream-id (never processed, even when node reports it otherwise);
 * reset by the server (REFUSED_STREAM before any answer means never processed);
 * the connection going away under it. Returns null for a stream the server ended:
 * its answer decides.
 */
export function streamFate(f: StreamFacts): StreamFate | null {
  if (f.timedOut) return { kind: 'timeout', code: 'ETIMEDOUT', message: 'no answer within --timeout' };
  if (f.ended) return null;
  const err = f.errorCode ?? '';
  if (!f.connected) {
    if (err === 'ECONNREFUSED') return { kind: 'refused', code: err, message: 'connection refused' };
    if (TIMEOUT.has(err)) return { kind: 'timeout', code: err, message: 'connect timed out' };
    if (DNS.has(err)) return { kind: 'dns', code: err, message: 'the host name did not resolve' };
    if (RESET.has(err)) return { kind: 'reset', code: err, message: 'connection reset while connecting' };
    return { kind: 'other', code: err || 'ECONNECT', message: 'the connection failed before HTTP/2 started' };
  }
  const last = f.goawayLastStreamId;
  if (last !== undefined && (f.streamId === 0 || f.streamId > last)) {
    return {
      kind: 'goaway_refused',
      code: h2ErrorName(f.goawayCode ?? 0),
      message: `stream ${f.streamId} above the GOAWAY's last-stream-id ${last}: never processed`,
    };
  }
  if (!f.connectionGone && f.rstCode !== undefined) {
    const name = h2ErrorName(f.rstCode);
    if (f.rstCode === constants.NGHTTP2_REFUSED_STREAM && !f.responseStarted)
      return { kind: 'stream_refused', code: name, message: 'RST_STREAM REFUSED_STREAM before any answer: never processed' };
    return { kind: 'stream_reset', code: name, message: `RST_STREAM ${name}${f.responseStarted ? ' after the answer began' : ' before any answer'}` };
  }
  if (RESET.has(err)) return { kind: 'reset', code: err, message: 'the connection was reset with the stream open' };
  if (last !== undefined) {
    const code = f.goawayCode ?? 0;
    return {
      kind: 'connection_closed',
      code: code === 0 ? 'CLOSED_AFTER_GOAWAY' : `GOAWAY_${h2ErrorName(code)}`,
      message: `the connection closed with stream ${f.streamId} open, at or below the GOAWAY's last-stream-id ${last}`,
    };
  }
  return {
    kind: 'connection_closed',
    code: err || 'CLOSED_WITHOUT_GOAWAY',
    message: `the connection closed with stream ${f.streamId} open and no GOAWAY`,
  };
}
