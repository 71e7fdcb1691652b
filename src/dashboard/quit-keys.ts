import type { Io } from '../io.js';

// Ctrl-C arrives as this byte once the terminal is in raw mode (no SIGINT then).
const CTRL_C = '\u0003';

/**
 * listenForQuitKeys puts a terminal stdin in raw mode and calls `onQuit` on
 * `q` or Ctrl-C; it returns the function that restores the terminal. Without
 * a terminal on stdin it does nothing (Ctrl-C is then a plain SIGINT).
 */
export function listenForQuitKeys(stdin: Io['stdin'], onQuit: () => void): () => void {
  if (!stdin || stdin.isTTY !== true || typeof stdin.setRawMode !== 'function')
    return () => undefined;
  const setRawMode = stdin.setRawMode.bind(stdin);
  const onData = (data: Buffer | string): void => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    // Escape sequences (arrows, mouse) are not keys we answer.
    if (text.startsWith('\u001B')) return;
    for (const ch of text) if (ch === 'q' || ch === 'Q' || ch === CTRL_C) onQuit();
  };
  setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdin.off('data', onData);
    setRawMode(false);
    stdin.pause();
  };
}
