import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionLines } from '../../../src/dashboard/model/connection-lines.js';
import { logLines } from '../../../src/dashboard/model/event-lines.js';
import type { ConnectionNote } from '../../../src/results/live.js';

const goaway = (atMs: number, connId: string, pod: string | undefined, streams: number): ConnectionNote => ({ atMs, kind: 'goaway', connId, ...(pod ? { pod } : {}), code: 'NO_ERROR', streams });
const cut = (atMs: number, connId: string, pod: string, streams: number): ConnectionNote => ({ atMs, kind: 'cut', connId, pod, code: 'ECONNRESET', streams });

test('connection lines: a graceful stop\'s GOAWAYs are one line per pod; a second GOAWAY on a connection adds no streams', () => {
  const lines = connectionLines([goaway(1000, 'c1', 'web-1', 5), goaway(1010, 'c2', 'web-1', 7), goaway(1050, 'c1', 'web-1', 2), goaway(1020, 'c3', 'web-2', 1)], 20);
  assert.deepEqual(lines, [
    { atMs: 1000, text: 'GOAWAY NO_ERROR from web-1 on 2 connections (12 streams open)', cut: false },
    { atMs: 1020, text: 'GOAWAY NO_ERROR from web-2 on 1 connection (1 stream open)', cut: false },
  ]);
});

test('connection lines: closes with streams open are a warning; notes more than a second apart are two lines; an unknown pod is left out', () => {
  const lines = connectionLines([cut(5000, 'c1', 'web-1', 3), cut(5500, 'c2', 'web-1', 4), cut(7000, 'c3', 'web-1', 1), goaway(100, 'c9', undefined, 0)], 20);
  assert.deepEqual(lines, [
    { atMs: 100, text: 'GOAWAY NO_ERROR on 1 connection (0 streams open)', cut: false },
    { atMs: 5000, text: '2 connections to web-1 closed with 7 streams open (ECONNRESET)', cut: true },
    { atMs: 7000, text: '1 connection to web-1 closed with 1 stream open (ECONNRESET)', cut: true },
  ]);
});

test('the event log merges connection lines with events by time, cut closes as warnings', () => {
  const lines = logLines([{ kind: 'sigterm', pod: 'web-1', atMs: 900 }], [], 10, 20, false, [goaway(1000, 'c1', 'web-1', 2), cut(1200, 'c2', 'web-1', 1)]);
  assert.deepEqual(lines.map((l) => [l.atMs, l.tone, l.text]), [
    [900, 'event', 'web-1 SIGTERM'],
    [1000, 'event', 'GOAWAY NO_ERROR from web-1 on 1 connection (2 streams open)'],
    [1200, 'warn', '1 connection to web-1 closed with 1 stream open (ECONNRESET)'],
  ]);
});
