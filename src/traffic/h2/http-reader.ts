import type { IncomingHttpHeaders } from 'node:http2';
import { statusKind } from '../classify.js';
import { UPSTREAM_HEADER } from '../front-door.js';
import { whoAnswered } from '../who-answered.js';
import type { AnswerReader, AnswerVerdict, H2Call } from './h2-contract.js';

// How much of a failed answer's body is read to recognise a proxy's error page.
const SNIFF_BYTES = 1024;

/** headerText reads one header as a string (the first value of a repeated one). */
export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * createHttpReader reads a plain HTTP/2 answer: the status decides, and a
 * failed answer's server and via headers and first body bytes say whether the
 * app or a proxy in front of it wrote it. A proxy's upstream header is kept on
 * every answer (a failure's names the pod the proxy used; a success's with a
 * comma is one the proxy saved by a retry).
 */
export function createHttpReader(r: H2Call, podHeader: string): AnswerReader {
  let sniff: Buffer[] | null = null;
  let sniffed = 0;
  let podNamed = false;
  return {
    headers(headers) {
      const status = Number(headers[':status'] ?? 0);
      r.status = status;
      podNamed = headers[podHeader] !== undefined;
      const upstream = headerText(headers, UPSTREAM_HEADER);
      if (upstream !== undefined) r.upstream = upstream;
      if (status >= 400) {
        r.server = headerText(headers, 'server');
        r.via = headerText(headers, 'via');
        sniff = [];
      }
    },
    data(chunk) {
      if (sniff === null || sniffed >= SNIFF_BYTES) return;
      sniff.push(chunk);
      sniffed += chunk.length;
    },
    trailers() {},
    verdict(): AnswerVerdict {
      if (sniff !== null) {
        const bodyHead = Buffer.concat(sniff).subarray(0, SNIFF_BYTES).toString('latin1');
        r.answeredBy = whoAnswered({ podNamed, server: r.server, via: r.via, bodyHead });
        if (r.answeredBy !== 'app') r.pod = undefined;
      }
      return { kind: statusKind(r.status ?? 0) };
    },
  };
}
