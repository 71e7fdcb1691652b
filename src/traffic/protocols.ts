// The registry of protocol clients, keyed by protocol and client name. The
// built-in ones are registered here, when the module loads, so every thread
// (the main one, each worker) has them; the engine picks one by
// `settings.protocol` and `settings.client` and knows nothing else of it.
import { probeHttp1 } from './http1-probe.js';
import { createLeanPool } from './lean-pool.js';
import { DEFAULT_PROTOCOL, type ProtocolClient } from './protocol.js';
import { createUndiciPool } from './undici-pool.js';
import { h2Clients } from './h2/h2-clients.js';

/** DEFAULT_CLIENT is the implementation when settings name none: ours, not the reference. */
export const DEFAULT_CLIENT = 'lean';

const registry = new Map<string, ProtocolClient>();
const keyOf = (protocol: string, client: string): string => `${protocol}/${client}`;

/** registerProtocol adds an implementation under its protocol and client names (a second one under the same names is a mistake). */
export function registerProtocol(impl: ProtocolClient): void {
  const key = keyOf(impl.protocol, impl.client);
  if (registry.has(key)) throw new Error(`protocol client ${key} is registered already`);
  registry.set(key, impl);
}

/** unregisterProtocol removes an implementation (a test's own protocol, when the test ends). */
export function unregisterProtocol(protocol: string, client: string): void {
  registry.delete(keyOf(protocol, client));
}

/** protocolClient finds the implementation for `protocol` and `client` (defaults: http1, lean). */
export function protocolClient(protocol = DEFAULT_PROTOCOL, client = DEFAULT_CLIENT): ProtocolClient {
  const impl = registry.get(keyOf(protocol, client));
  if (impl === undefined) {
    const known = [...registry.keys()].join(', ');
    throw new Error(`no protocol client ${keyOf(protocol, client)}; registered: ${known}`);
  }
  return impl;
}

/** protocolClients lists the registered implementations as `protocol/client`. */
export function protocolClients(): string[] {
  return [...registry.keys()];
}

registerProtocol({ protocol: 'http1', client: 'lean', createPool: createLeanPool, probe: probeHttp1 });
registerProtocol({ protocol: 'http1', client: 'undici', createPool: createUndiciPool, probe: probeHttp1 });
for (const impl of h2Clients()) registerProtocol(impl);
