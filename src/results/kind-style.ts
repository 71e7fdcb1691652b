import type { OutcomeKind } from './types.js';

/** KindStyle is how one outcome kind is shown, the same on every screen. */
export interface KindStyle {
  /** short labels the kind in eight columns or fewer (dashboard panels, event log). */
  short: string;
  /** noun names the kind in a sentence ("3 HTTP 5xx", "reset 3 ms after …"). */
  noun: string;
  /** color is the kind's colour in the HTML report's charts, legend and table (CSS hex). */
  color: string;
}

/** KIND_STYLE is the one table of kind names and colours: terminal summary, dashboard and report read it. */
export const KIND_STYLE: Readonly<Record<OutcomeKind, KindStyle>> = {
  ok: { short: 'ok', noun: 'ok', color: '#31a354' },
  http_5xx: { short: '5xx', noun: 'HTTP 5xx', color: '#d62728' },
  http_4xx: { short: '4xx', noun: 'HTTP 4xx', color: '#ff9896' },
  refused: { short: 'refused', noun: 'refused', color: '#9467bd' },
  reset: { short: 'reset', noun: 'reset', color: '#e377c2' },
  timeout: { short: 'timeout', noun: 'timeout', color: '#8c564b' },
  closed_before_response: { short: 'ka-close', noun: 'closed before response', color: '#ff7f0e' },
  dns: { short: 'dns', noun: 'DNS failure', color: '#7f7f7f' },
  other: { short: 'other', noun: 'error', color: '#bcbd22' },
  goaway_refused: { short: 'goaway', noun: 'refused by GOAWAY', color: '#17becf' },
  stream_refused: { short: 'refstrm', noun: 'stream refused', color: '#9edae5' },
  stream_reset: { short: 'rststrm', noun: 'stream reset', color: '#c49c94' },
  connection_closed: { short: 'h2close', noun: 'connection closed with streams open', color: '#f7b6d2' },
  grpc_error: { short: 'grpc', noun: 'gRPC error', color: '#dbdb8d' },
};
