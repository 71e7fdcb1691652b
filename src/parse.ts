import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** parseDurationMs reads `500ms`, `30s`, `2m`, `1h`, `1m30s` or a bare number of seconds. */
export function parseDurationMs(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
    matched += m[0].length;
  }
  if (matched === 0 || matched !== t.length) {
    throw new UsageError(`${flag}: cannot read "${text}" as a duration; use e.g. 500ms, 30s, 2m or 1m30s`);
  }
  return Math.round(total);
}

/** parsePositive reads a number > 0 (integer when `integer`). */
export function parsePositive(text: string, flag: string, integer = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: "${text}" must be a ${integer ? 'whole ' : ''}number greater than 0`);
  }
  return n;
}

/** parseNonNegative reads a number >= 0 (integer when `integer`). */
export function parseNonNegative(text: string, flag: string, integer = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: "${text}" must be a ${integer ? 'whole ' : ''}number of 0 or more`);
  }
  return n;
}

/** parsePercent reads `20`, `20%` or `0.2`-style shares given as percent, returning 0..100. */
export function parsePercent(text: string, flag: string): number {
  const n = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`${flag}: "${text}" must be a percentage from 0 to 100, e.g. 20 or 20%`);
  }
  return n;
}

/** parseCountOrPercent reads `1` (a count) or `25%` (a share), as Kubernetes' maxSurge does. */
export function parseCountOrPercent(text: string, flag: string): { count: number } | { percent: number } {
  const t = text.trim();
  if (t.endsWith('%')) return { percent: parsePercent(t, flag) };
  return { count: parseNonNegative(t, flag, true) };
}

/** parseUrl reads an http(s) URL. */
export function parseUrl(text: string, flag = 'URL'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: "${text}" is not a URL; use e.g. http://127.0.0.1:8080/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag}: "${text}" must start with http:// or https://`);
  }
  return url;
}

/** parseHeader reads `Name: value`. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  if (i <= 0) throw new UsageError(`-H/--header: "${text}" must look like "Name: value"`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}
