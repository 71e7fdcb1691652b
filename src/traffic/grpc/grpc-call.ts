// One unary gRPC call as the HTTP/2 request the client sends again and again:
// the method's path, gRPC's headers and the metadata, and the framed message
// (the health check's by hand, any other through protobufjs and --proto).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import { UsageError } from '../../errors.js';
import type { H2RequestSpec } from '../h2/h2-contract.js';
import { frameMessage } from './grpc-frame.js';
import { encodeHealthCheckRequest, HEALTH_CHECK_METHOD } from '../../grpc-health.js';

/** GrpcCall is the call of --grpc-method, --grpc-data, --proto and --grpc-metadata. */
export interface GrpcCall {
  /** method is `package.Service/Method`. */
  method: string;
  /** data is the request message as JSON text (--grpc-data); absent: an empty message. */
  data?: string;
  /** protoPath is the .proto file that defines the method (--proto); needed for data of any method but the health check. */
  protoPath?: string;
  /** metadata are the call's custom metadata, sent as headers (--grpc-metadata k=v). */
  metadata: Array<[string, string]>;
}

// Metadata keys gRPC keeps for itself, or HTTP/2 forbids.
const RESERVED = /^(?:grpc-.*|:.*|content-type|te|connection|host|user-agent)$/;

/** parseGrpcMetadata reads one --grpc-metadata `key=value`. */
export function parseGrpcMetadata(text: string): [string, string] {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? '' : text.slice(0, eq)).trim().toLowerCase();
  if (!/^[0-9a-z_.-]+$/.test(key)) throw new UsageError(`--grpc-metadata: "${text}" is not key=value; use e.g. --grpc-metadata tenant=blue`);
  if (RESERVED.test(key)) throw new UsageError(`--grpc-metadata: "${key}" is reserved for gRPC or HTTP/2; use a key of your own`);
  const value = text.slice(eq + 1).trim();
  if (key.endsWith('-bin')) return [key, Buffer.from(value).toString('base64')];
  return [key, value];
}

/** isHealthCheck says whether the call is the default grpc.health.v1 check (its answer's status is read too). */
export function isHealthCheck(call: GrpcCall): boolean {
  return call.method === HEALTH_CHECK_METHOD && call.protoPath === undefined;
}

/** grpcRequestSpec is the HTTP/2 request of a unary call (throws UsageError for a call it cannot encode). */
export function grpcRequestSpec(call: GrpcCall): H2RequestSpec {
  const m = /^\/?([A-Za-z_][\w.]*)\/([A-Za-z_]\w*)$/.exec(call.method);
  if (m === null) throw new UsageError(`--grpc-method: "${call.method}" is not package.Service/Method; use e.g. ${HEALTH_CHECK_METHOD}`);
  const [, service, method] = m as unknown as [string, string, string];
  return {
    path: `/${service}/${method}`,
    method: 'POST',
    headers: [['content-type', 'application/grpc'], ['te', 'trailers'], ...call.metadata],
    body: frameMessage(encodeRequest(call, service, method)),
  };
}

function encodeRequest(call: GrpcCall, service: string, method: string): Uint8Array {
  const json = call.data === undefined ? {} : parseJson(call.data);
  if (call.protoPath === undefined) {
    if (`${service}/${method}` === HEALTH_CHECK_METHOD) return encodeHealthCheckRequest(healthService(json));
    if (call.data === undefined) return new Uint8Array(0);
    throw new UsageError('--grpc-data: encoding a message needs its definition; add --proto FILE');
  }
  const type = requestType(call.protoPath, service, method);
  const problem = type.verify(json);
  if (problem !== null) throw new UsageError(`--grpc-data: ${problem} (message ${type.fullName.replace(/^\./, '')} of ${call.protoPath})`);
  return type.encode(type.fromObject(json)).finish();
}

function parseJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--grpc-data: not JSON (${(e as Error).message}); use e.g. --grpc-data '{"name":"x"}'`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError('--grpc-data: must be a JSON object, e.g. \'{"name":"x"}\'');
  return v as Record<string, unknown>;
}

function healthService(json: Record<string, unknown>): string {
  const extra = Object.keys(json).filter((k) => k !== 'service');
  if (extra.length > 0 || (json.service !== undefined && typeof json.service !== 'string'))
    throw new UsageError('--grpc-data: a health check takes only {"service": "name"}; add --proto FILE for another message');
  return (json.service as string | undefined) ?? '';
}

// protobufjs is loaded only when a run names a --proto file, not by every command that offers the flag.
const requireLazily = createRequire(import.meta.url);

/** requestType finds the request message of `service`/`method` in the .proto file at `path`. */
function requestType(path: string, service: string, method: string): Protobuf.Type {
  const protobuf = requireLazily('protobufjs') as typeof Protobuf;
  let root: Protobuf.Root;
  try {
    readFileSync(path);
    root = protobuf.loadSync(path);
    root.resolveAll();
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0];
    throw new UsageError(`--proto: cannot read ${path} (${why}); give a .proto file that defines the service`);
  }
  const svc = root.lookup(service);
  if (!(svc instanceof protobuf.Service)) throw new UsageError(`--grpc-method: ${path} defines no service ${service}`);
  const rpc = svc.methods[method];
  if (rpc === undefined) throw new UsageError(`--grpc-method: service ${service} has no method ${method}; it has ${Object.keys(svc.methods).join(', ')}`);
  if (rpc.requestStream === true || rpc.responseStream === true) throw new UsageError(`--grpc-method: ${service}/${method} streams; rollcheck calls unary methods only`);
  return rpc.resolvedRequestType as Protobuf.Type;
}
