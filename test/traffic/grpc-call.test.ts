import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { UsageError } from '../../src/errors.js';
import { grpcRequestSpec, parseGrpcMetadata } from '../../src/traffic/grpc/grpc-call.js';
import { frameMessage, MessageCounter } from '../../src/traffic/grpc/grpc-frame.js';
import { createGrpcReader } from '../../src/traffic/grpc/grpc-reader.js';
import { decodeGrpcMessage, grpcCodeName } from '../../src/traffic/grpc/grpc-status.js';
import type { H2Call } from '../../src/traffic/h2/h2-contract.js';
import { decodeHealthCheckStatus, encodeHealthCheckRequest } from '../../src/grpc-health.js';

const HEALTH_PROTO = `syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse); }
`;

const SHOP_PROTO = `syntax = "proto3";
package shop.v1;
message Item { string name = 1; int32 count = 2; repeated string tags = 3; }
message Ack { bool ok = 1; }
service Cart { rpc Add(Item) returns (Ack); }
`;

function withProto<T>(text: string, f: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-proto-'));
  try {
    const path = join(dir, 'x.proto');
    writeFileSync(path, text);
    return f(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the hand-encoded health check is what protobufjs makes of the published proto, both ways', () => {
  withProto(HEALTH_PROTO, (path) => {
    const root = protobuf.loadSync(path);
    const Req = root.lookupType('grpc.health.v1.HealthCheckRequest');
    const Res = root.lookupType('grpc.health.v1.HealthCheckResponse');
    for (const service of ['shop', 'a'.repeat(200)]) {
      assert.deepEqual(Buffer.from(encodeHealthCheckRequest(service)), Buffer.from(Req.encode(Req.fromObject({ service })).finish()));
    }
    // proto3 leaves a default out: the empty request is no bytes (protobufjs writes the field; both decode the same).
    assert.equal(encodeHealthCheckRequest('').length, 0);
    assert.deepEqual(Req.toObject(Req.decode(encodeHealthCheckRequest('')), { defaults: true }), { service: '' });
    for (const status of [0, 1, 2, 3]) assert.equal(decodeHealthCheckStatus(Res.encode(Res.fromObject({ status })).finish()), status);
  });
});

test('a call is a POST to /Service/Method with gRPC headers, metadata and the framed message', () => {
  const spec = grpcRequestSpec({ method: 'grpc.health.v1.Health/Check', data: '{"service":"shop"}', metadata: [parseGrpcMetadata('tenant=blue')] });
  assert.equal(spec.path, '/grpc.health.v1.Health/Check');
  assert.equal(spec.method, 'POST');
  assert.deepEqual(spec.headers, [['content-type', 'application/grpc'], ['te', 'trailers'], ['tenant', 'blue']]);
  assert.deepEqual(spec.body, frameMessage(encodeHealthCheckRequest('shop')));
  assert.deepEqual([...(spec.body as Buffer).subarray(0, 5)], [0, 0, 0, 0, 6]);
});

test('--grpc-data with --proto encodes through protobufjs; the message decodes back', () => {
  withProto(SHOP_PROTO, (path) => {
    const spec = grpcRequestSpec({ method: 'shop.v1.Cart/Add', data: '{"name":"tea","count":3,"tags":["a","b"]}', protoPath: path, metadata: [] });
    const Item = protobuf.loadSync(path).lookupType('shop.v1.Item');
    const back = Item.toObject(Item.decode((spec.body as Buffer).subarray(5)));
    assert.deepEqual(back, { name: 'tea', count: 3, tags: ['a', 'b'] });
  });
});

test('calls rollcheck cannot make are one-line usage errors naming the fix', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => grpcRequestSpec({ method: 'Check', metadata: [] }), /--grpc-method: "Check" is not package.Service\/Method/],
    [() => grpcRequestSpec({ method: 'shop.v1.Cart/Add', data: '{}', metadata: [] }), /add --proto FILE/],
    [() => grpcRequestSpec({ method: 'grpc.health.v1.Health/Check', data: '{nope', metadata: [] }), /--grpc-data: not JSON/],
    [() => grpcRequestSpec({ method: 'grpc.health.v1.Health/Check', data: '{"x":1}', metadata: [] }), /only \{"service": "name"\}/],
    [() => grpcRequestSpec({ method: 'shop.v1.Cart/Add', protoPath: '/nonexistent/x.proto', metadata: [] }), /--proto: cannot read \/nonexistent\/x.proto \(ENOENT\)/],
    [() => parseGrpcMetadata('novalue'), /not key=value/],
    [() => parseGrpcMetadata('grpc-timeout=1S'), /reserved/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));
  withProto(SHOP_PROTO, (path) => {
    assert.throws(() => grpcRequestSpec({ method: 'shop.v1.Cart/Remove', protoPath: path, metadata: [] }), /has no method Remove; it has Add/);
    assert.throws(() => grpcRequestSpec({ method: 'shop.v1.Cart/Add', data: '{"count":"many"}', protoPath: path, metadata: [] }), /--grpc-data: count: integer expected/);
  });
  withProto(HEALTH_PROTO, (path) => {
    assert.throws(() => grpcRequestSpec({ method: 'grpc.health.v1.Health/Watch', protoPath: path, metadata: [] }), /streams; rollcheck calls unary methods only/);
  });
});

test('framing: messages counted across chunks; a body cut inside a message is seen', () => {
  const c = new MessageCounter();
  const two = Buffer.concat([frameMessage(Buffer.from('hello')), frameMessage(new Uint8Array(0))]);
  for (const b of two) c.push(Buffer.from([b]));
  assert.equal(c.messages, 2);
  assert.equal(c.truncated, false);
  c.push(frameMessage(Buffer.from('abc')).subarray(0, 6));
  assert.equal(c.truncated, true);
  const big = new MessageCounter();
  big.push(frameMessage(Buffer.alloc(70_000)), 0, 3);
  big.push(frameMessage(Buffer.alloc(70_000)), 3, 70_005);
  assert.deepEqual([big.messages, big.truncated], [1, false], 'a length above 16 bits, its prefix split across chunks');
});

test('the gRPC reader keeps a copy of the health answer: the bytes it was given may be overwritten before the verdict', () => {
  const call = (): H2Call => ({ slot: null, connId: 'c1', reused: false, status: undefined, pod: undefined, settled: false, mixIndex: 0 });
  const verdictOf = (answer: Buffer, cut: number): string => {
    const reader = createGrpcReader(call(), 'x-pod-name', true);
    reader.headers({ ':status': '200', 'content-type': 'application/grpc' });
    // One reused read buffer, as the lean client's: each chunk is gone once data() returns.
    const readBuf = Buffer.alloc(64);
    for (const [s, e] of [[0, cut], [cut, answer.length]] as const) {
      answer.copy(readBuf, 10, s, e);
      reader.data(readBuf, 10, 10 + e - s);
      readBuf.fill(0xff);
    }
    reader.trailers({ 'grpc-status': '0' });
    const v = reader.verdict();
    return `${v.kind}:${v.code ?? ''}`;
  };
  const serving = frameMessage(Buffer.from([0x08, 0x01]));
  const notServing = frameMessage(Buffer.from([0x08, 0x02]));
  for (let cut = 1; cut < serving.length; cut += 1) {
    assert.equal(verdictOf(serving, cut), 'ok:', `SERVING cut at ${cut}`);
    assert.equal(verdictOf(notServing, cut), 'grpc_error:NOT_SERVING', `NOT_SERVING cut at ${cut}`);
  }
});

test('status names and grpc-message decoding', () => {
  assert.equal(grpcCodeName(14), 'UNAVAILABLE');
  assert.equal(grpcCodeName(99), 'CODE_99');
  assert.equal(decodeGrpcMessage('the%20connection%20is%20draining'), 'the connection is draining');
  assert.equal(decodeGrpcMessage('100%'), '100%');
});
