// The benchmark's target: a plain Node HTTP server in its own process (pinned
// by the caller), HTTP/1.1 or, with --h2c, HTTP/2 cleartext (prior knowledge). It answers 200 "ok" (503 for every --fail-every'th request),
// counts arrivals per 100 ms window of the epoch clock, and appends one byte
// per finished response to --count-file with a synchronous write, so that the
// count survives a SIGKILL. Over IPC: {type:'listening', port} once, and
// {type:'stats'} → {type:'stats', windows, perMs, answered, requests} (arrivals
// per 100 ms window and per ms of the epoch clock).
import http from 'node:http';
import http2 from 'node:http2';
import { openSync, writeSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('port', '0'));
const failEvery = Number(opt('fail-every', '0'));
const countFile = opt('count-file', '');
const countFd = countFile ? openSync(countFile, 'a') : -1;
const h2c = args.includes('--h2c');
const ONE = Buffer.from('.');
const windows = new Map();
const perMs = new Map();
let requests = 0;
let answered = 0;

const server = (h2c ? http2.createServer : http.createServer)((req, res) => {
  requests += 1;
  const ms = Date.now();
  const w = Math.floor(ms / 100);
  windows.set(w, (windows.get(w) ?? 0) + 1);
  perMs.set(ms, (perMs.get(ms) ?? 0) + 1);
  if (countFd >= 0) {
    res.on('finish', () => {
      answered += 1;
      writeSync(countFd, ONE);
    });
  } else {
    res.on('finish', () => void (answered += 1));
  }
  res.statusCode = failEvery > 0 && requests % failEvery === 0 ? 503 : 200;
  res.setHeader('x-pod-name', `bench-${process.pid}`);
  res.end('ok');
});
if (!h2c) server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.address().port });
});
process.on('message', (m) => {
  if (m?.type === 'stats')
    process.send?.({
      type: 'stats',
      windows: [...windows.entries()],
      perMs: [...perMs.entries()],
      answered,
      requests,
    });
});
process.on('disconnect', () => process.exit(0));
