import type { ConnectionNote } from '../../results/live.js';
import { ellipsize } from './format.js';

/** ConnectionLine is one log line about HTTP/2 connections: GOAWAYs or cut closes of one pod, close together. */
export interface ConnectionLine {
  atMs: number;
  text: string;
  /** cut: connections closed with streams open (a warning); otherwise GOAWAYs. */
  cut: boolean;
}

// Notes of one kind and pod closer than this are one line (a graceful stop sends a GOAWAY on each connection).
const GAP_MS = 1000;

interface Group {
  first: ConnectionNote;
  lastMs: number;
  conns: Set<string>;
  streams: number;
  codes: Set<string>;
}

/**
 * connectionLines words the GOAWAYs and the connections closed with streams
 * open, one line per pod and kind for notes within a second of each other:
 * "GOAWAY NO_ERROR from web-1 on 3 connections (12 streams open)",
 * "2 connections to web-1 closed with 7 streams open".
 */
export function connectionLines(notes: readonly ConnectionNote[], podWidth: number): ConnectionLine[] {
  const open = new Map<string, Group>();
  const done: Group[] = [];
  for (const n of [...notes].sort((a, b) => a.atMs - b.atMs)) {
    const key = `${n.kind}\u0000${n.pod ?? ''}`;
    const g = open.get(key);
    if (g && n.atMs - g.lastMs <= GAP_MS) {
      // A connection's second GOAWAY (the graceful two-step) adds no streams: they were counted at its first.
      if (!(n.kind === 'goaway' && g.conns.has(n.connId))) g.streams += n.streams;
      g.conns.add(n.connId);
      if (n.code !== undefined) g.codes.add(n.code);
      g.lastMs = n.atMs;
      continue;
    }
    if (g) done.push(g);
    open.set(key, { first: n, lastMs: n.atMs, conns: new Set([n.connId]), streams: n.streams, codes: new Set(n.code !== undefined ? [n.code] : []) });
  }
  done.push(...open.values());
  return done.sort((a, b) => a.first.atMs - b.first.atMs).map((g) => ({ atMs: g.first.atMs, text: describe(g, podWidth), cut: g.first.kind === 'cut' }));
}

function describe(g: Group, podWidth: number): string {
  const pod = g.first.pod !== undefined ? ellipsize(g.first.pod, podWidth) : null;
  const conns = `${g.conns.size} connection${g.conns.size === 1 ? '' : 's'}`;
  const streams = `${g.streams} stream${g.streams === 1 ? '' : 's'}`;
  if (g.first.kind === 'goaway') {
    return `GOAWAY ${[...g.codes].join('/')}${pod !== null ? ` from ${pod}` : ''} on ${conns} (${streams} open)`;
  }
  const why = g.codes.size > 0 ? ` (${[...g.codes].join('/')})` : '';
  return `${conns}${pod !== null ? ` to ${pod}` : ''} closed with ${streams} open${why}`;
}
