import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h2ErrorName, streamFate, type StreamFacts } from '../../src/traffic/h2/h2-fate.js';

const open: StreamFacts = {
  streamId: 7,
  connected: true,
  goawayLastStreamId: undefined,
  goawayCode: undefined,
  rstCode: undefined,
  connectionGone: false,
  errorCode: undefined,
  responseStarted: false,
  ended: false,
  timedOut: false,
};

const TABLE: Array<[string, Partial<StreamFacts>, string | null]> = [
  ['answered: the answer decides', { ended: true, rstCode: 0, responseStarted: true }, null],
  ['given up after --timeout', { timedOut: true, rstCode: 8 }, 'timeout:ETIMEDOUT'],
  ['connect refused', { connected: false, streamId: 0, errorCode: 'ECONNREFUSED', connectionGone: true }, 'refused:ECONNREFUSED'],
  ['connect timed out', { connected: false, streamId: 0, errorCode: 'ETIMEDOUT', connectionGone: true }, 'timeout:ETIMEDOUT'],
  ['name did not resolve', { connected: false, streamId: 0, errorCode: 'ENOTFOUND', connectionGone: true }, 'dns:ENOTFOUND'],
  ['above the GOAWAY (node says REFUSED_STREAM)', { goawayLastStreamId: 5, goawayCode: 0, rstCode: 7 }, 'goaway_refused:NO_ERROR'],
  ['above an erroring GOAWAY (node says session error)', { goawayLastStreamId: 1, goawayCode: 2, rstCode: 2, connectionGone: true }, 'goaway_refused:INTERNAL_ERROR'],
  ['at the GOAWAY, connection then closed', { goawayLastStreamId: 7, goawayCode: 0, rstCode: 8, connectionGone: true }, 'connection_closed:CLOSED_AFTER_GOAWAY'],
  ['at an erroring GOAWAY', { goawayLastStreamId: 7, goawayCode: 11, rstCode: 11, connectionGone: true }, 'connection_closed:GOAWAY_ENHANCE_YOUR_CALM'],
  ['RST_STREAM REFUSED_STREAM before an answer', { rstCode: 7 }, 'stream_refused:REFUSED_STREAM'],
  ['RST_STREAM REFUSED_STREAM after the answer began', { rstCode: 7, responseStarted: true }, 'stream_reset:REFUSED_STREAM'],
  ['RST_STREAM CANCEL mid-body', { rstCode: 8, responseStarted: true }, 'stream_reset:CANCEL'],
  ['RST_STREAM NO_ERROR before any answer', { rstCode: 0 }, 'stream_reset:NO_ERROR'],
  ['socket closed, no GOAWAY', { rstCode: 8, connectionGone: true }, 'connection_closed:CLOSED_WITHOUT_GOAWAY'],
  ['socket reset', { rstCode: 2, connectionGone: true, errorCode: 'ECONNRESET' }, 'reset:ECONNRESET'],
];

for (const [name, facts, want] of TABLE) {
  test(`streamFate: ${name}`, () => {
    const f = streamFate({ ...open, ...facts });
    assert.equal(f === null ? null : `${f.kind}:${f.code}`, want);
  });
}

test('h2ErrorName names RFC 9113 codes and shows others in hex', () => {
  assert.equal(h2ErrorName(7), 'REFUSED_STREAM');
  assert.equal(h2ErrorName(13), 'HTTP_1_1_REQUIRED');
  assert.equal(h2ErrorName(0x1f), '0x1f');
});
