import type { H2Call, H2PoolOptions } from '../h2/h2-contract.js';
import type { H2Pool } from '../h2/h2-links.js';
import { createH2Pool } from '../h2/h2-pool.js';
import { grpcRequestSpec, isHealthCheck, type GrpcCall } from './grpc-call.js';
import { createGrpcReader } from './grpc-reader.js';

/** GrpcPoolOptions are an HTTP/2 pool's options with gRPC calls in place of requests (one per mix entry). */
export type GrpcPoolOptions<R extends H2Call> = Omit<H2PoolOptions<R>, 'requests' | 'reader'> & { calls: GrpcCall[] };

/** createGrpcPool is the HTTP/2 client carrying unary gRPC calls, each judged by its grpc-status. */
export function createGrpcPool<R extends H2Call>(o: GrpcPoolOptions<R>): H2Pool<R> {
  const { calls, ...rest } = o;
  const health = calls.map(isHealthCheck);
  return createH2Pool<R>({
    ...rest,
    requests: calls.map(grpcRequestSpec),
    reader: (r) => createGrpcReader(r, o.podHeader, health[r.mixIndex] === true),
  });
}
