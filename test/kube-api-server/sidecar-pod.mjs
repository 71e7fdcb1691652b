// A pod of two containers for the kube sandbox's `--sidecar proxy`: a small TCP
// proxy on the pod's port in front of the demo app (on the next port), as a mesh
// proxy sits in front of an app. The kubelet SIGTERMs every container at once
// and runs each one's own preStop first; the proxy has none, so it goes at the
// start of termination (SIGUSR1, sent by the app's preStop hook, or SIGTERM):
// it closes its listener, cuts its connections and logs CONTAINER_EXIT_LINE,
// which the sandbox turns into the container's terminated status.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT);
const appPort = port + 1;
const appPath = join(dirname(fileURLToPath(import.meta.url)), '../../manifests/demo/app.mjs');
const app = spawn(process.execPath, [appPath], { env: { ...process.env, PORT: String(appPort) }, stdio: 'inherit' });

const sockets = new Set();
const proxy = createServer((client) => {
  const upstream = connect(appPort, host);
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  }
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.pipe(upstream).pipe(client);
});
proxy.listen(port, host);

let proxyDown = false;
function stopProxy() {
  if (proxyDown) return;
  proxyDown = true;
  proxy.close();
  for (const s of sockets) s.destroy();
  process.stdout.write('rollcheck-sidecar: container proxy exited 0\n');
}
process.on('SIGUSR1', stopProxy);
process.on('SIGTERM', () => {
  stopProxy();
  app.kill('SIGTERM');
});
app.on('exit', (code, signal) => {
  stopProxy();
  process.exit(code ?? (signal === 'SIGKILL' ? 137 : 143));
});
