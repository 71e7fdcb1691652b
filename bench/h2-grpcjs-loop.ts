// A @grpc/grpc-js unary loop for the h2 bench: CONCURRENCY health checks kept in
// flight for SECONDS against 127.0.0.1:PORT; prints `calls cpuUs` when done.
// Usage: node --import tsx bench/h2-grpcjs-loop.ts PORT SECONDS CONCURRENCY
import * as grpc from '@grpc/grpc-js';

const [port, seconds, concurrency] = process.argv.slice(2).map(Number) as [number, number, number];
const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const message = Buffer.alloc(0);
let calls = 0;
let failed = 0;
const endAt = Date.now() + seconds * 1000;
const cpu0 = process.cpuUsage();
const one = (): Promise<void> =>
  new Promise((resolve) =>
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, message, (err) => {
      if (err === null) calls += 1;
      else failed += 1;
      resolve();
    }),
  );
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < endAt) await one();
  }),
);
const cpu = process.cpuUsage(cpu0);
client.close();
process.stdout.write(`${calls} ${cpu.user + cpu.system} ${failed}\n`);
