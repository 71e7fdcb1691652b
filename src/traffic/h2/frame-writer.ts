// The lean HTTP/2 client's outgoing bytes: frames are copied into one buffer
// as calls are dispatched, and the buffer goes out in one socket write per
// tick, however many streams opened in it. A long tick (a catch-up batch of
// hundreds of calls after the process was kept off its core) writes as it
// goes instead: no frame waits more than HOLD_MS, so a request stamped sent in
// one interval is not held until the batch ends in the next.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { copyBytes } from './frame-codec.js';

// The longest a queued frame waits for its tick's end before it is written.
const HOLD_MS = 1;

/** FrameWriter gathers one connection's frames and writes them once per tick (or every HOLD_MS within a long one). */
export class FrameWriter {
  /** buf holds the queued bytes [0, reserve's last end); write into what reserve returns. */
  buf: Buffer = Buffer.allocUnsafe(4096);
  /** ready: the connection is open (bytes queued before wait for it; after it closes, they are dropped). */
  ready = false;
  private len = 0;
  private queued = false;
  // When the oldest queued byte was queued (performance.now()).
  private firstAtMs = 0;

  constructor(private readonly socket: Socket) {}

  /** reserve makes room for n bytes at the end and returns where they go; the flush is queued for this tick's end. */
  reserve(n: number): number {
    const nowMs = performance.now();
    if (this.len > 0 && this.ready && nowMs - this.firstAtMs > HOLD_MS) this.flush();
    const at = this.len;
    if (at === 0) this.firstAtMs = nowMs;
    if (at + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, at + n));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.len = at + n;
    if (!this.queued) {
      this.queued = true;
      process.nextTick(flushWriter, this);
    }
    return at;
  }

  /** put queues a whole frame: room first, then the copy, so a buffer `reserve` grew is the one written into. */
  put(bytes: Buffer): void {
    const at = this.reserve(bytes.length);
    copyBytes(bytes, 0, bytes.length, this.buf, at);
  }

  /** flush writes what is queued now, in one write. */
  flush(): void {
    this.queued = false;
    const n = this.len;
    if (n === 0 || !this.ready) return;
    this.len = 0;
    const bytes = Buffer.allocUnsafe(n);
    copyBytes(this.buf, 0, n, bytes, 0);
    this.socket.write(bytes);
  }
}

function flushWriter(w: FrameWriter): void {
  w.flush();
}
