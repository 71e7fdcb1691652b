import type { Dispatcher } from 'undici';
import type { OutcomeKind, Population } from '../results/types.js';
import { classifyError, errorCode, statusKind } from './classify.js';
import type { Slot } from './connection-pool.js';

/** Settle is told once when a request ends, with everything needed to record it. */
export type Settle = (
  r: InFlightRequest,
  kind: OutcomeKind,
  code?: string,
  message?: string,
) => void;

/**
 * InFlightRequest is one scheduled request and its undici dispatch handler
 * (the callback form, which costs the least per request). It never retries.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler {
  slot: Slot | null = null;
  startAtMs = 0;
  endAtMs = 0;
  connId = '';
  reused = false;
  status: number | undefined = undefined;
  settled = false;
  /** pod is the pod last seen on this request's connection (when it was written, or its own answer). */
  pod: string | undefined = undefined;
  private responseStarted = false;

  constructor(
    readonly intendedAtMs: number,
    readonly population: Population,
    readonly counted: boolean,
    private readonly podHeader: Buffer,
    private readonly settle: Settle,
  ) {}

  onConnect(): void {
    // Called when the request is written to a socket: that socket is the slot's current connection.
    const slot = this.slot;
    if (slot === null) return;
    this.connId = slot.connId;
    this.reused = slot.requests > 0;
    this.pod = slot.pod;
    slot.requests += 1;
  }

  onResponseStarted(): void {
    this.responseStarted = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.responseStarted = true;
    if (statusCode < 200) return true;
    this.status = statusCode;
    const slot = this.slot;
    if (slot !== null) {
      const want = this.podHeader;
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        const name = rawHeaders[i] as Buffer;
        if (
          name.length === want.length &&
          name.toString('latin1').toLowerCase() === want.toString('latin1')
        ) {
          slot.pod = this.pod = (rawHeaders[i + 1] as Buffer).toString('latin1');
          break;
        }
      }
    }
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settle(this, statusKind(this.status ?? 0));
  }

  onError(err: Error): void {
    if (this.settled) return;
    const code = errorCode(err);
    const kind = classifyError({
      code,
      reused: this.reused,
      responseStarted: this.responseStarted,
    });
    this.settle(this, kind, code ?? err.name, err.message);
  }
}
