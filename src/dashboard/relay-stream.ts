import { Writable } from 'node:stream';

/** RelayTty is a terminal-shaped Writable whose writes go to `send` (the drawing thread's stdout for ink). */
export interface RelayTty extends Writable {
  isTTY: boolean;
  columns: number;
  rows: number;
  /** resize sets the size and tells ink, as a terminal's SIGWINCH would. */
  resize(columns: number, rows: number): void;
}

/** createRelayTty makes a RelayTty of the given size. */
export function createRelayTty(options: {
  columns: number;
  rows: number;
  isTTY: boolean;
  send: (chunk: string) => void;
}): RelayTty {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _enc, cb) {
      options.send(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
  });
  return Object.assign(stream, {
    isTTY: options.isTTY,
    columns: options.columns,
    rows: options.rows,
    resize(this: RelayTty, columns: number, rows: number) {
      this.columns = columns;
      this.rows = rows;
      this.emit('resize');
    },
  });
}
