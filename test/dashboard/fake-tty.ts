// A fake terminal for rendering the real dashboard: a Writable that says it is
// a TTY of a given size, keeps every write, and can be resized; plus a stdin
// that accepts raw mode and key presses.
import { PassThrough, Writable } from 'node:stream';

// CSI sequences (cursor moves, erase, colours) and the synchronized-update markers.
// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const ANSI = /\u001B\[[0-9;?<>=]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007/g;

/** stripAnsi removes escape sequences, leaving the text a terminal would show. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** FakeTty is a Writable that claims to be a terminal of `columns` × `rows`. */
export class FakeTty extends Writable {
  readonly isTTY = true;
  columns: number;
  rows: number;
  readonly writes: string[] = [];
  constructor(columns = 80, rows = 30) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    cb: (error?: Error | null) => void,
  ): void {
    this.writes.push(chunk.toString());
    cb();
  }
  /** frames are the writes that drew something (ink writes one whole frame per write). */
  frames(): string[] {
    return this.writes.map(stripAnsi).filter((w) => w.trim() !== '');
  }
  /** lastFrame is the text of the last frame drawn. */
  lastFrame(): string {
    return this.frames().at(-1) ?? '';
  }
  /** resize changes the size and tells listeners, as a terminal does on SIGWINCH. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** FakeStdin is a readable terminal stdin: raw mode is recorded, keys are pushed with press(). */
export class FakeStdin extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  rawModeCalls: boolean[] = [];
  setRawMode(on: boolean): this {
    this.isRaw = on;
    this.rawModeCalls.push(on);
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  /** press types keys ("q", "\u0003" for Ctrl-C). */
  press(keys: string): void {
    this.write(keys);
  }
}
