import type { DemoVariant } from './demo-variants.js';

// The pinning rungs' new pods take 1.5 s to get ready (DEMO_READY_DELAY_MS: they listen
// only then, so a TCP probe (h2c) sees it as a gRPC one does), as a service that warms up does: the last one then reaches the Service well after the
// last old pod's clients reconnected (its preStop sleep, 1.5 s, starts when the new
// pod is created), so without a maximum connection age it gets no connection, run
// after run (ready at once, the two raced within ~150 ms of each other).
const READY_DELAY = 'DEMO_READY_DELAY_MS=1500';

// The pinning rungs' shape, the same with and without a maximum connection age: a
// preStop and a drain, 3 replicas replaced one at a time, 10 long-lived connections.
const PINNING_SHAPE = {
  entrypoint: 'exec',
  preStop: true,
  drain: true,
  replicas: 3,
  maxUnavailable: 1,
  connections: 10,
  cooldownMs: 4000,
} as const satisfies Partial<DemoVariant>;

/**
 * H2_DEMO_VARIANTS is the HTTP/2 and gRPC ladder (issue 21), for
 * `rollcheck demo --protocol grpc|h2c`: no graceful stop, a graceful stop
 * still routed, a graceful stop behind a preStop sleep, then connection
 * pinning after a rollout without and with a maximum connection age.
 */
export const H2_DEMO_VARIANTS: readonly DemoVariant[] = [
  {
    name: 'abrupt',
    title: 'exec, no preStop, the app closes its HTTP/2 connections at SIGTERM with no GOAWAY (DEMO_DRAIN=0)',
    entrypoint: 'exec',
    preStop: false,
    drain: false,
    expect: 'no-graceful-stop',
    absent: ['graceful-stop-exceeds-grace', 'sigterm-ignored'],
    lesson: 'with no GOAWAY the client cannot tell which streams the server took: every stream open on the pod\'s connections dies with them, and a gRPC client cannot retry them',
    fix: 'a graceful stop at SIGTERM: GOAWAY, let running streams finish, then exit (GracefulStop / server.stop(grace) / session.close())',
  },
  {
    name: 'graceful',
    title: 'exec, no preStop, graceful stop at SIGTERM (GOAWAY, running streams finish, then exit)',
    entrypoint: 'exec',
    preStop: false,
    drain: true,
    expect: 'no-prestop-drain',
    orExpect: 'goaway-race',
    absent: ['no-graceful-stop', 'graceful-stop-exceeds-grace'],
    lesson: 'the graceful stop saves the open streams, but the pod stops at once while the Service still routes it: reconnecting clients reach a pod that is gone, and streams sent as the GOAWAY crosses them are refused',
    fix: 'a preStop sleep longer than endpoint propagation, so the GOAWAY comes after the pod left the endpoints',
  },
  {
    name: 'prestop',
    title: 'exec + preStop sleep + graceful stop',
    entrypoint: 'exec',
    preStop: true,
    drain: true,
    expect: 'pass',
    absent: ['connection-pinning', 'no-graceful-stop', 'no-prestop-drain'],
    lesson: 'every stream answered: clients get the GOAWAY after the pod left the endpoints and reconnect to pods that serve',
    fix: 'nothing left to fix for shutdown; the next rungs look at where the connections go after the rollout',
  },
  {
    name: 'pinned',
    title: '3 replicas replaced one at a time (maxSurge 0), each ready 1.5 s after it starts, 10 long-lived connections, no maximum connection age',
    ...PINNING_SHAPE,
    env: [READY_DELAY],
    expect: 'connection-pinning',
    lesson: 'kube-proxy balances connections, not requests: each old pod\'s clients reconnect to the pods there are at that moment, so the pod that comes up last gets almost no connection, and no stream, after the rollout',
    fix: 'a maximum connection age on the server (MAX_CONNECTION_AGE), or per-request balancing (client-side round_robin over a headless Service, or an L7 proxy)',
  },
  {
    name: 'max-age',
    title: 'the same with DEMO_MAX_CONNECTION_AGE=1s',
    ...PINNING_SHAPE,
    env: [READY_DELAY, 'DEMO_MAX_CONNECTION_AGE=1s'],
    expect: 'pass',
    absent: ['connection-pinning', 'no-graceful-stop', 'no-prestop-drain'],
    lesson: 'every connection gets a GOAWAY after about a second and the client reconnects through the Service, so the streams spread over every ready pod',
    fix: 'nothing left to fix',
  },
];
