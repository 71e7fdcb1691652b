import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { UsageError } from '../../errors.js';

/** ServiceEndpoint is one pod address the Service may send new connections to. */
export interface ServiceEndpoint {
  pod: string;
  host: string;
  port: number;
  /** uid of the pod behind it, and the node it runs on (the embedded runtime's). */
  uid?: string;
  node?: string;
}

/** ServiceProxy is the local stand-in for a Kubernetes Service (kube-proxy, L4 TCP). */
export interface ServiceProxy {
  /** port is where the Service listens on 127.0.0.1. */
  readonly port: number;
  /** addEndpoint lets new connections go to `ep` (call it once the change has "propagated"). */
  addEndpoint(ep: ServiceEndpoint): void;
  /** removeEndpoint stops new connections to `pod`; established connections stay, as with kube-proxy. */
  removeEndpoint(pod: string): void;
  /** endpoints lists the pods new connections currently go to. */
  endpoints(): string[];
  /** stats counts connections: total accepted, reset for want of an endpoint, and open per pod. */
  stats(): { accepted: number; noEndpoint: number; backendFailed: number; openByPod: Record<string, number> };
  /** close stops listening and destroys every proxied connection. */
  close(): Promise<void>;
}

/** ServiceProxyOptions: the port to listen on (0 = a free one). */
export interface ServiceProxyOptions {
  port: number;
  host?: string;
  /** onlyNode: a node-local traffic policy (`internalTrafficPolicy: Local`): new connections go only to endpoints on this node. */
  onlyNode?: string;
}

/**
 * createServiceProxy listens on 127.0.0.1 and balances each NEW client
 * connection round robin over the current endpoints; bytes then flow both ways
 * untouched until either side closes. A client connection that arrives while
 * there is no endpoint, or whose backend cannot be reached, is RESET (RST), as
 * kube-proxy's reject rule makes it look to a client — never silently accepted.
 */
export async function createServiceProxy(options: ServiceProxyOptions): Promise<ServiceProxy> {
  const host = options.host ?? '127.0.0.1';
  let list: ServiceEndpoint[] = [];
  let next = 0;
  const open = new Set<Socket>();
  const openByPod = new Map<string, number>();
  const counts = { accepted: 0, noEndpoint: 0, backendFailed: 0 };

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    counts.accepted += 1;
    client.on('error', () => undefined);
    const routed = options.onlyNode === undefined ? list : list.filter((e) => e.node === options.onlyNode);
    const ep = routed.length > 0 ? routed[next++ % routed.length] : undefined;
    if (!ep) {
      counts.noEndpoint += 1;
      client.resetAndDestroy();
      return;
    }
    pipePair(client, ep);
  });

  function pipePair(client: Socket, ep: ServiceEndpoint): void {
    const backend = createConnection({ host: ep.host, port: ep.port, allowHalfOpen: true, noDelay: true });
    open.add(client);
    open.add(backend);
    openByPod.set(ep.pod, (openByPod.get(ep.pod) ?? 0) + 1);
    let connected = false;
    backend.once('connect', () => (connected = true));
    client.pipe(backend);
    backend.pipe(client);
    // A reset on one side is passed on as a reset, so the client sees what the pod did.
    backend.on('error', () => {
      if (!connected) counts.backendFailed += 1;
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on('error', () => {
      if (!backend.destroyed) backend.resetAndDestroy();
    });
    let closed = 0;
    const onClose = (): void => {
      closed += 1;
      if (closed === 1) {
        // One side fully closed: finish the other (FIN if it is still writable).
        if (!client.destroyed) client.end();
        if (!backend.destroyed) backend.end();
      }
      if (closed === 2) openByPod.set(ep.pod, (openByPod.get(ep.pod) ?? 1) - 1);
      open.delete(client);
      open.delete(backend);
    };
    client.once('close', onClose);
    backend.once('close', onClose);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new UsageError(`--service-port ${options.port}: port ${options.port} on ${host} is already in use; pick another port or leave the flag out for a free one`));
      } else {
        reject(new UsageError(`--service-port ${options.port}: cannot listen on ${host}:${options.port} (${err.code ?? err.message}); pick another port`));
      }
    });
    server.listen(options.port, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;

  return {
    port,
    addEndpoint(ep) {
      if (!list.some((e) => e.pod === ep.pod)) list = [...list, ep];
    },
    removeEndpoint(pod) {
      list = list.filter((e) => e.pod !== pod);
    },
    endpoints: () => list.map((e) => e.pod),
    stats: () => ({ ...counts, openByPod: Object.fromEntries(openByPod) }),
    close() {
      return new Promise((resolve) => {
        for (const s of open) s.destroy();
        open.clear();
        server.close(() => resolve());
      });
    },
  };
}
