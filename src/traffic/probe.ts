import { protocolClient } from './protocols.js';
import type { TrafficSettings } from './settings.js';

/** ProbeResult says whether anything answered at the URL, and how fast a warm connection answers. */
export type ProbeResult =
  | { answered: true; status: number; latencyMs: number; server?: string; via?: string }
  | { answered: false; code: string; message: string };

/** probe is the pre-flight before any traffic, in the protocol the settings name (its client's `probe`). */
export async function probe(url: string, settings: TrafficSettings): Promise<ProbeResult> {
  const impl = protocolClient(settings.protocol, settings.client);
  if (impl.probe === undefined) throw new Error(`protocol client ${impl.protocol}/${impl.client} has no pre-flight probe`);
  return impl.probe(url, settings);
}
