// One call on one stream of the lean HTTP/2 client: what the stream met (its
// id, answer begun, END_STREAM, a received RST_STREAM, given up after
// --timeout) and the answer reader. Its connection settles it, once.
import type { Deadline } from '../deadline-queue.js';
import type { AnswerReader, H2Call } from './h2-contract.js';

/** StreamOwner is what a stream needs of its connection: to give up on it. */
export interface StreamOwner {
  cancel(stream: LeanH2Stream): void;
}

/** LeanH2Stream is one call's stream, from dispatch (id 0 until its HEADERS go out) to settle. */
export class LeanH2Stream implements Deadline {
  deadlineMs = 0;
  id = 0;
  responseStarted = false;
  ended = false;
  rstCode: number | undefined = undefined;
  timedOut = false;
  done = false;
  /** sendWindow is the peer's flow-control window for this stream; bodySent, how much of the body went. */
  sendWindow = 0;
  bodySent = 0;
  /** recvBytes counts DATA octets received since this client last opened the stream's window. */
  recvBytes = 0;

  constructor(
    readonly call: H2Call,
    readonly mix: number,
    readonly reader: AnswerReader,
    private readonly owner: StreamOwner,
  ) {}

  /** expire gives up on the stream after --timeout (the pool's deadline queue calls it). */
  expire(): void {
    if (this.done) return;
    this.timedOut = true;
    this.owner.cancel(this);
  }
}
