import { KIND_STYLE, type KindStyle } from '../../results/kind-style.js';

/** el makes an element with an optional class and text (textContent only: data never becomes markup). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, text?: unknown): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** byId finds one of the page's own elements; the page's markup always has it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** readData parses the page's embedded JSON block. */
export function readData<T>(): T {
  return JSON.parse(byId('rollcheck-data').textContent ?? 'null') as T;
}

/** fmtMs writes a span: "12 ms", "3.4 s", "42 s". */
export function fmtMs(ms: number): string {
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 10000) return (ms / 1000).toFixed(1) + ' s';
  return Math.round(ms / 1000) + ' s';
}

/** pct writes a rate as a percentage, with more digits for tiny rates. */
export function pct(x: number): string {
  return (x * 100).toFixed(x >= 0.001 || x === 0 ? 2 : 4) + '%';
}

/** usText writes µs as ms. */
export function usText(v: number): string {
  return (v / 1000).toFixed(v >= 100000 ? 0 : 1) + ' ms';
}

/** kindColor is a kind's colour from KIND_STYLE; a kind this page does not know (a newer results file) is grey. */
export function kindColor(kind: string): string {
  return (KIND_STYLE as Readonly<Record<string, KindStyle | undefined>>)[kind]?.color ?? '#888';
}

/** swatch makes a small colour square for legends and table cells. */
export function swatch(color: string, cls = 'swatch'): HTMLSpanElement {
  const sw = el('span', cls);
  sw.style.background = color;
  return sw;
}
