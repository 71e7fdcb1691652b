// The shapes the HTTP/2 client shares with the engine: a request it carries,
// the settle it reports to, the request specs it sends, its connection records,
// and how an answer is read (plain HTTP/2, or gRPC over it).
import type { IncomingHttpHeaders } from 'node:http2';
import type { AnsweredBy, OutcomeKind } from '../../results/types.js';
import type { TargetTrust } from '../connect-options.js';
import type { Slot } from '../protocol.js';

/** StreamSlot is one stream's worth of a connection's capacity: the seam's Slot, N of them sharing a connection. */
export type StreamSlot = Slot;

/** H2Call is what the client writes on a request it carries (the engine's InFlightRequest has these fields). */
export interface H2Call {
  slot: StreamSlot | null;
  connId: string;
  reused: boolean;
  status: number | undefined;
  pod: string | undefined;
  settled: boolean;
  mixIndex: number;
  /** streamId is the HTTP/2 stream that carried it (0: none was opened). */
  streamId?: number;
  answeredBy?: AnsweredBy | undefined;
  server?: string | undefined;
  via?: string | undefined;
  /** upstream is a proxy's upstream-address header (UPSTREAM_HEADER), when the answer carried one. */
  upstream?: string | undefined;
}

/** H2Settle is told once when a call ends: its kind, and a failure's error code and message. */
export type H2Settle<R extends H2Call> = (r: R, kind: OutcomeKind, code?: string, message?: string) => void;

/** H2RequestSpec is one request the client sends again and again (one per --mix entry). */
export interface H2RequestSpec {
  path: string;
  method: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
}

/** GoawayRecord is one GOAWAY frame a connection received. */
export interface GoawayRecord {
  atMs: number;
  /** errorCode is the frame's error code by name (NO_ERROR for a graceful shutdown). */
  errorCode: string;
  lastStreamId: number;
  /** debugData is the frame's opaque data as text (at most 256 bytes), when there was any. */
  debugData?: string;
  /** streamsOpen is how many of this client's streams were open on the connection when it arrived. */
  streamsOpen: number;
}

/** H2ConnectionRecord is one HTTP/2 connection: when it lived, where it went, every GOAWAY it got. */
export interface H2ConnectionRecord {
  connId: string;
  openedAtMs: number;
  /** closedAtMs is when it closed (undefined while open). */
  closedAtMs?: number;
  /** peer is the address it reached (`127.0.0.1:8080`). */
  peer?: string;
  /** pod is the --pod-header of its first answer, else the peer address: the pod the connection is pinned to. */
  pod?: string;
  goaways: GoawayRecord[];
  /** streams counts the streams it carried. */
  streams: number;
  /** error is the code it failed with (ECONNRESET, ECONNREFUSED, …), when it failed. */
  error?: string;
}

/** AnswerVerdict is how a complete answer ends a call. */
export interface AnswerVerdict {
  kind: OutcomeKind;
  code?: string;
  message?: string;
}

/**
 * AnswerReader reads one stream's answer: headers, body, trailers, then the
 * verdict once the server ended it. Header objects may be shared between
 * streams (the lean client's decoder hands out one per repeated block): read
 * them, never change them.
 */
export interface AnswerReader {
  headers(headers: IncomingHttpHeaders): void;
  /** data is body bytes buf[start, end), valid only during the call (the lean client's read buffer): copy what you keep. */
  data(buf: Buffer, start: number, end: number): void;
  trailers(trailers: IncomingHttpHeaders): void;
  verdict(): AnswerVerdict;
}

/** H2PoolOptions configure one population's HTTP/2 connections. */
export interface H2PoolOptions<R extends H2Call> {
  /** origin is `http://…` (cleartext, prior knowledge) or `https://…` (TLS, ALPN h2). */
  origin: string;
  timeoutMs: number;
  /** size is the number of connections (keep-alive), or the cap of calls at once (fresh: one connection each). */
  size: number;
  /** grow: the fresh population, a new connection per call, closed when it ends. */
  grow: boolean;
  requests: H2RequestSpec[];
  trust?: TargetTrust;
  podHeader: string;
  nextConnId(): string;
  nowMs(): number;
  settle: H2Settle<R>;
  /** streamsPerConnection caps the streams a connection carries at once (the server's MAX_CONCURRENT_STREAMS may lower it); default 100. */
  streamsPerConnection?: number;
  /** reader makes the answer reader of one call (default: plain HTTP/2, judged by its status). */
  reader?: (r: R) => AnswerReader;
  /** onConnection is told a connection's record when it opens, on each GOAWAY, and when it closes. */
  onConnection?: (record: H2ConnectionRecord, change: 'opened' | 'goaway' | 'closed') => void;
}
