import type { AnsweredBy, OutcomeKind, Population } from '../results/types.js';
import type { Slot } from './protocol.js';

/** Settle is told once when a request ends, with everything needed to record it. */
export type Settle = (
  r: InFlightRequest,
  kind: OutcomeKind,
  code?: string,
  message?: string,
) => void;

/**
 * InFlightRequest is one scheduled request, protocol-neutral: what the engine
 * scheduled, what the client learned while carrying it (connection, reused,
 * status, pod, front-door fields) and, once settled, its outcome. It is its
 * own RequestOutcome record, so recording one costs no object of its own.
 */
export class InFlightRequest {
  slot: Slot | null = null;
  startAtMs = 0;
  endAtMs = 0;
  connId = '';
  reused = false;
  status: number | undefined = undefined;
  settled = false;
  /** pod is the pod last seen on this request's connection (when it was written, or its own answer). */
  pod: string | undefined = undefined;
  /** kind, errorCode and message are set when it settles: the request is its own RequestOutcome. */
  kind: OutcomeKind = 'ok';
  errorCode: string | undefined = undefined;
  message: string | undefined = undefined;
  /** Front-door fields (issue 12): who answered, and the headers that say so. */
  answeredBy: AnsweredBy | undefined = undefined;
  server: string | undefined = undefined;
  via: string | undefined = undefined;
  upstream: string | undefined = undefined;
  /** mixIndex is the --mix entry this request sends. */
  mixIndex = 0;
  /** streamId is the HTTP/2 stream that carried it (0: none, or HTTP/1.1). */
  streamId = 0;

  constructor(
    readonly intendedAtMs: number,
    readonly population: Population,
    readonly counted: boolean,
    /** method is the request's method (one entry of --mix). */
    readonly method: string = 'GET',
  ) {}

  /** wroteOn is told when the request is written on `slot`'s current connection: its id, reused or new, and the pod last seen there. */
  wroteOn(slot: Slot): void {
    this.connId = slot.connId;
    this.reused = slot.requests > 0;
    this.pod = slot.pod;
    slot.requests += 1;
  }
}
