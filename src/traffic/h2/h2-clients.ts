// The HTTP/2 protocol clients as the registry holds them: h2 (TLS, ALPN),
// h2c (cleartext, prior knowledge) and grpc (unary calls over either), each
// twice: `lean`, frame by frame on net.Socket (lean-h2-pool.ts, the default),
// and `node`, on node:http2 (h2-pool.ts, the reference). The gRPC call itself
// is in the request spec the settings made (grpc/grpc-settings.ts); the pool
// only reads its answer.
import type { ConnectionEvent, ProtocolClient, ProtocolPool, ProtocolPoolOptions } from '../protocol.js';
import type { InFlightRequest } from '../request.js';
import { createGrpcReader } from '../grpc/grpc-reader.js';
import { HEALTH_CHECK_METHOD } from '../../grpc-health.js';
import type { H2ConnectionRecord, H2PoolOptions } from './h2-contract.js';
import type { H2Pool } from './h2-links.js';
import { createH2Pool } from './h2-pool.js';
import { createLeanH2Pool } from './lean-h2-pool.js';
import { probeH2 } from './h2-probe.js';

/** H2_PROTOCOLS are the protocols served by the HTTP/2 client. */
export const H2_PROTOCOLS = ['h2', 'h2c', 'grpc'] as const;

/** connectionEvent is an HTTP/2 connection record's change as the seam's ConnectionEvent. */
export function connectionEvent(rec: H2ConnectionRecord, change: 'opened' | 'goaway' | 'closed'): ConnectionEvent {
  if (change === 'opened') return { kind: 'opened', connId: rec.connId, atMs: rec.openedAtMs, ...(rec.peer !== undefined ? { peer: rec.peer } : {}) };
  if (change === 'closed') {
    return {
      kind: 'closed',
      connId: rec.connId,
      atMs: rec.closedAtMs ?? rec.openedAtMs,
      streams: rec.streams,
      ...(rec.pod !== undefined ? { pod: rec.pod } : {}),
      ...(rec.error !== undefined ? { error: rec.error } : {}),
    };
  }
  const g = rec.goaways[rec.goaways.length - 1];
  return {
    kind: 'goaway',
    connId: rec.connId,
    atMs: g?.atMs ?? 0,
    errorCode: g?.errorCode ?? 'NO_ERROR',
    lastStreamId: g?.lastStreamId ?? 0,
    streamsOpen: g?.streamsOpen ?? 0,
    ...(g?.debugData !== undefined ? { debugData: g.debugData } : {}),
    ...(rec.pod !== undefined ? { pod: rec.pod } : {}),
  };
}

/** H2PoolFactory makes an HTTP/2 pool: the lean one or node:http2's. */
type H2PoolFactory = (o: H2PoolOptions<InFlightRequest>) => H2Pool<InFlightRequest>;

function createPool(grpc: boolean, o: ProtocolPoolOptions, make: H2PoolFactory): ProtocolPool {
  const watch = o.onConnection;
  const health = o.requests.map((spec) => spec.path === `/${HEALTH_CHECK_METHOD}`);
  const options: H2PoolOptions<InFlightRequest> = {
    origin: o.origin,
    timeoutMs: o.timeoutMs,
    // The keep-alive pool's size is --connections; the fresh pool's, how many fresh connections at once.
    size: o.size,
    grow: o.grow,
    requests: o.requests,
    podHeader: o.podHeader,
    nextConnId: o.nextConnId,
    nowMs: o.nowMs,
    settle: o.settle,
    ...(o.trust !== undefined ? { trust: o.trust } : {}),
    ...(grpc ? { reader: (r: InFlightRequest) => createGrpcReader(r, o.podHeader, health[r.mixIndex] === true) } : {}),
    ...(watch !== undefined ? { onConnection: (rec: H2ConnectionRecord, change: 'opened' | 'goaway' | 'closed') => watch(connectionEvent(rec, change)) } : {}),
  };
  return make(options);
}

const FACTORIES: Array<[string, H2PoolFactory]> = [
  ['lean', createLeanH2Pool],
  ['node', createH2Pool],
];

/** h2Clients are the registry entries of the HTTP/2 clients: `lean` (ours, the default) and `node` (node:http2) for each protocol. */
export function h2Clients(): ProtocolClient[] {
  return H2_PROTOCOLS.flatMap((protocol) =>
    FACTORIES.map(([client, make]) => ({ protocol, client, createPool: (o: ProtocolPoolOptions) => createPool(protocol === 'grpc', o, make), probe: probeH2 })),
  );
}
