// A hostile HTTP/2 server in a process of its own, for the SIGKILL case: it
// holds every stream, prints its port, then `ready` once it holds `streams`.
// Usage: node --import tsx h2-hostile-child.ts STREAMS [grpc]
import { startHostileServer } from './h2-hostile.js';

const streams = Number(process.argv[2] ?? '4');
const server = await startHostileServer({ hostility: 'hold', streams, grpc: process.argv[3] === 'grpc' });
process.stdout.write(`port ${server.port}\n`);
await server.ready;
process.stdout.write('ready\n');
