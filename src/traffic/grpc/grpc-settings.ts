// The traffic settings of --protocol and the gRPC flags: which protocol, and
// for grpc the one call as the request every engine, worker and runner sends
// (POST to /Service/Method, gRPC's headers and metadata, the framed message).
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { grpcRequestSpec, parseGrpcMetadata } from './grpc-call.js';
import { HEALTH_CHECK_METHOD } from '../../grpc-health.js';
import { DEFAULT_PROTOCOL } from '../protocol.js';

/** PROTOCOLS are the values of --protocol. */
export const PROTOCOLS = ['http1', 'h2', 'h2c', 'grpc'] as const;

/** Protocol is one value of --protocol. */
export type Protocol = (typeof PROTOCOLS)[number];

/** ProtocolSettings is what --protocol and the gRPC flags add to (or set in) the traffic settings. */
export interface ProtocolSettings {
  protocol: Protocol;
  /** grpc names the call of a gRPC run (its method, and the .proto it came from), for the results' params. */
  grpc?: { method: string; proto?: string; metadata: string[] };
  /** request is a gRPC run's request: it replaces --method, --mix, -H's place and --body. */
  request?: { path: string; method: string; headers: Array<[string, string]>; body: Uint8Array };
}

const GRPC_FLAGS: Array<[string, string]> = [
  ['grpcMethod', '--grpc-method'],
  ['grpcData', '--grpc-data'],
  ['proto', '--proto'],
];

/** readProtocolSettings reads --protocol and the gRPC flags from commander's `opts()`; `cwd` resolves --proto. */
export function readProtocolSettings(opts: Record<string, unknown>, cwd: string): ProtocolSettings {
  const given = typeof opts.protocol === 'string' ? opts.protocol : DEFAULT_PROTOCOL;
  if (!(PROTOCOLS as readonly string[]).includes(given)) throw new UsageError(`--protocol: "${given}" is not one of ${PROTOCOLS.join(', ')}`);
  const protocol = given as Protocol;
  const metadata = (opts.grpcMetadata as string[] | undefined) ?? [];
  if (protocol !== 'grpc') {
    const stray = GRPC_FLAGS.find(([k]) => opts[k] !== undefined)?.[1] ?? (metadata.length > 0 ? '--grpc-metadata' : undefined);
    if (stray !== undefined) throw new UsageError(`${stray} needs --protocol grpc`);
  }
  if (protocol !== 'http1' && opts.client === 'undici') throw new UsageError(`--client undici speaks HTTP/1.1 only; leave it out with --protocol ${protocol}`);
  if (protocol === 'http1' && opts.client === 'node') throw new UsageError('--client node is the node:http2 client; use it with --protocol h2, h2c or grpc');
  if (protocol !== 'grpc') return { protocol };
  if (typeof opts.mix === 'string') throw new UsageError('--mix: a gRPC run makes one call; give it with --grpc-method');
  if (opts.body !== undefined || opts.bodyFile !== undefined) throw new UsageError('--body: a gRPC call\'s message is --grpc-data (JSON), with --proto for its type');
  const method = typeof opts.grpcMethod === 'string' ? opts.grpcMethod : HEALTH_CHECK_METHOD;
  const protoPath = typeof opts.proto === 'string' ? resolve(cwd, opts.proto) : undefined;
  const pairs = metadata.map(parseGrpcMetadata);
  const spec = grpcRequestSpec({
    method,
    metadata: pairs,
    ...(typeof opts.grpcData === 'string' ? { data: opts.grpcData } : {}),
    ...(protoPath !== undefined ? { protoPath } : {}),
  });
  return {
    protocol,
    // Metadata keys only: a value may be a credential.
    grpc: { method: spec.path.slice(1), metadata: pairs.map(([k]) => k), ...(protoPath !== undefined ? { proto: protoPath } : {}) },
    request: { path: spec.path, method: spec.method, headers: spec.headers, body: spec.body as Buffer },
  };
}
