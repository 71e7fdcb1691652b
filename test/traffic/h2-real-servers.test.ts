// test-lane: slow: real nghttpd, h2o, hypercorn and grpcio processes
// rollcheck's HTTP/2 client against real servers: nghttpd and h2o over h2c,
// a Python grpcio server for gRPC. Every call ok, on the connections asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnless } from '../tools.js';
import { driveH2 } from './h2-drive.js';
import { startGrpcio, startH2o, startNghttpd, type RealServer } from './h2-real.js';

const CALLS = 400;

async function allOk(server: RealServer, grpc: boolean): Promise<void> {
  try {
    const r = await driveH2({ origin: `http://127.0.0.1:${server.port}`, calls: CALLS, grpc, get: !grpc, connections: 2 });
    const bad = r.outcomes.filter((o) => o.kind !== 'ok').map((o) => `${o.kind}:${o.code ?? ''}`);
    assert.deepEqual(bad, []);
    assert.deepEqual(new Set(r.outcomes.map((o) => o.connId)), new Set(['c1', 'c2']));
    assert.equal(r.connections.reduce((n, c) => n + c.streams, 0), CALLS);
    if (grpc) assert.deepEqual(new Set(r.outcomes.map((o) => o.pod)), new Set(['grpc-a']));
  } finally {
    await server.close();
  }
}

test('nghttpd over h2c: every call ok', { skip: skipUnless('nghttpd') }, async () => allOk(await startNghttpd(), false));
test('h2o over h2c: every call ok', { skip: skipUnless('h2o') }, async () => allOk(await startH2o(), false));
test('a Python grpcio server: every health check ok, the pod named in its metadata', { skip: skipUnless('grpcio') }, async () =>
  allOk(await startGrpcio('grpc-a'), true));
