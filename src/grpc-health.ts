// grpc.health.v1.Health/Check, encoded by hand: the default call, which needs
// no .proto file (message HealthCheckRequest { string service = 1; }).

/** HEALTH_CHECK_METHOD is the default gRPC method. */
export const HEALTH_CHECK_METHOD = 'grpc.health.v1.Health/Check';

/** encodeHealthCheckRequest is a HealthCheckRequest for `service` ('' asks about the whole server: an empty message). */
export function encodeHealthCheckRequest(service = ''): Uint8Array {
  if (service === '') return new Uint8Array(0);
  const name = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]);
}

/** SERVING_STATUS names HealthCheckResponse.status values. */
export const SERVING_STATUS: readonly string[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** decodeHealthCheckStatus reads HealthCheckResponse.status (field 1, varint) from a message; 0 when absent. */
export function decodeHealthCheckStatus(message: Uint8Array): number {
  let i = 0;
  while (i < message.length) {
    const tag = message[i] as number;
    i += 1;
    if (tag === 0x08) return readVarint(message, i)[0];
    const wire = tag & 7;
    if (wire === 0) i = readVarint(message, i)[1];
    else if (wire === 2) {
      const [len, next] = readVarint(message, i);
      i = next + len;
    } else return 0;
  }
  return 0;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function readVarint(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  let mul = 1;
  let i = at;
  while (i < b.length) {
    const c = b[i] as number;
    i += 1;
    v += (c & 0x7f) * mul;
    if ((c & 0x80) === 0) break;
    mul *= 128;
  }
  return [v, i];
}
