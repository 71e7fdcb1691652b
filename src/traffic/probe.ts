import { UsageError } from '../errors.js';
import { protocolClient } from './protocols.js';
import type { TrafficSettings } from './settings.js';

/** ProbeResult says whether anything answered at the URL, and how fast a warm connection answers. */
export type ProbeResult =
  | { answered: true; status: number; latencyMs: number; server?: string; via?: string; cpuUsPerRequest?: number }
  | { answered: false; code: string; message: string };

/** ProbeOptions: `measureCpu` asks for a burst more that gives the client's CPU per request (the capacity estimate). */
export interface ProbeOptions {
  measureCpu?: boolean;
}

// Failures that may be a server speaking another protocol (not: nothing listening, no name, TLS trust, a timeout).
const OTHER_PROTOCOL_HINT = /^(?!ECONNREFUSED$|ENOTFOUND$|EAI_|ETIMEDOUT$|UND_ERR_CONNECT_TIMEOUT$|UND_ERR_HEADERS_TIMEOUT$|ERR_TLS_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_)/;

/**
 * probe is the pre-flight before any traffic, in the protocol the settings name (its client's `probe`). A URL that
 * does not fit the protocol (h2 without TLS, h2c with it), or a server that answers only the other HTTP version,
 * is one line naming the flag to use, before any traffic.
 */
export async function probe(url: string, settings: TrafficSettings, options: ProbeOptions = {}): Promise<ProbeResult> {
  const protocol = settings.protocol;
  const https = new URL(url).protocol === 'https:';
  if (protocol === 'h2' && !https) throw new UsageError(`--protocol h2 is HTTP/2 over TLS: use an https:// URL, or --protocol h2c for ${url}`);
  if (protocol === 'h2c' && https) throw new UsageError(`--protocol h2c is cleartext HTTP/2: use an http:// URL, or --protocol h2 for ${url}`);
  const first = await probeWith(protocol, settings.client, url, settings, options);
  if (first.answered || !OTHER_PROTOCOL_HINT.test(first.code)) return first;
  // Something listens but does not speak this protocol: say which one it speaks.
  if (protocol === 'http1') {
    const h2 = https ? 'h2' : 'h2c';
    if ((await probeWith(h2, 'lean', url, settings)).answered) {
      throw new UsageError(`${url} answers only HTTP/2: use --protocol ${h2} (or --protocol grpc for a gRPC service)`);
    }
  } else if ((await probeWith('http1', 'lean', url, settings)).answered) {
    throw new UsageError(`${url} answers only HTTP/1.1: use --protocol http1`);
  }
  return first;
}

function probeWith(protocol: string, client: string | undefined, url: string, settings: TrafficSettings, options: ProbeOptions = {}): Promise<ProbeResult> {
  const impl = protocolClient(protocol, client);
  if (impl.probe === undefined) throw new Error(`protocol client ${impl.protocol}/${impl.client} has no pre-flight probe`);
  return impl.probe(url, settings, options);
}
