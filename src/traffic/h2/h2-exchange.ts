import { constants, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { Deadline } from '../deadline-queue.js';
import type { H2Connection } from './h2-connection.js';
import type { AnswerReader, H2Call, H2Settle } from './h2-contract.js';
import { streamFate } from './h2-fate.js';

/**
 * H2Exchange is one call on one stream: it reads the answer through its
 * reader, notes what the stream met (answer begun, END_STREAM, an error code,
 * given up after --timeout) and, when the stream closes, settles the call once
 * by the answer or by the stream's fate (h2-fate.ts). It never retries.
 */
export class H2Exchange<R extends H2Call> implements Deadline {
  deadlineMs = 0;
  private responseStarted = false;
  private sawEnd = false;
  private timedOut = false;
  private errorCode: string | undefined = undefined;
  private done = false;

  constructor(
    private readonly r: R,
    private readonly conn: H2Connection,
    private readonly stream: ClientHttp2Stream,
    private readonly reader: AnswerReader,
    private readonly podHeader: string,
    private readonly settle: H2Settle<R>,
    /** ended is told once the call is settled and the stream closed (its capacity is free). */
    private readonly closed: (x: H2Exchange<R>) => void,
  ) {
    stream.on('response', (headers) => this.response(headers));
    stream.on('data', (chunk: Buffer) => reader.data(chunk, 0, chunk.length));
    stream.on('trailers', (trailers) => reader.trailers(trailers));
    stream.on('end', () => void (this.sawEnd = true));
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // node's own ERR_HTTP2_* codes only restate the close code; a socket's errno (maybe as the cause) says more.
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      const code = err.code !== undefined && !err.code.startsWith('ERR_HTTP2_') ? err.code : typeof cause === 'string' ? cause : undefined;
      if (code !== undefined) this.errorCode ??= code;
    });
    stream.on('close', () => this.close());
  }

  /** expire gives up on the stream after --timeout (the pool's deadline queue calls it). */
  expire(): void {
    if (this.done) return;
    this.timedOut = true;
    this.stream.close(constants.NGHTTP2_CANCEL);
  }

  private response(headers: IncomingHttpHeaders): void {
    this.responseStarted = true;
    const pod = headers[this.podHeader];
    const name = Array.isArray(pod) ? pod[0] : pod;
    if (name !== undefined) {
      this.conn.seePod(name);
      this.r.pod = name;
    }
    this.reader.headers(headers);
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.deadlineMs = 0;
    const conn = this.conn;
    conn.open -= 1;
    const r = this.r;
    r.streamId = this.stream.id ?? 0;
    // Streams share a connection: one that met no answer of its own belongs to the pod its connection named meanwhile.
    r.pod ??= conn.pod;
    const rstCode = this.stream.rstCode;
    // node ends the readable side of every stream a closing connection takes with it: only a
    // stream closed with NO_ERROR after its answer began was ended by the server.
    const ended = this.sawEnd && rstCode === 0 && this.responseStarted;
    const fate = streamFate({
      streamId: r.streamId,
      connected: conn.connected,
      goawayLastStreamId: conn.goawayLast,
      goawayCode: conn.goawayCode,
      rstCode,
      connectionGone: conn.session.destroyed,
      errorCode: this.errorCode ?? conn.errorCode,
      responseStarted: this.responseStarted,
      ended,
      timedOut: this.timedOut,
    });
    this.closed(this);
    if (fate !== null) {
      this.settle(r, fate.kind, fate.code, fate.message);
      return;
    }
    const v = this.reader.verdict();
    this.settle(r, v.kind, v.code, v.message);
  }
}
