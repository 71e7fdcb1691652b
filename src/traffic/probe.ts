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

/** probe is the pre-flight before any traffic, in the protocol the settings name (its client's `probe`). */
export async function probe(url: string, settings: TrafficSettings, options: ProbeOptions = {}): Promise<ProbeResult> {
  const impl = protocolClient(settings.protocol, settings.client);
  if (impl.probe === undefined) throw new Error(`protocol client ${impl.protocol}/${impl.client} has no pre-flight probe`);
  return impl.probe(url, settings, options);
}
