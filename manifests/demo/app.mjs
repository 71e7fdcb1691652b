// rollcheck demo app: a small API server that behaves like a well-written
// service at shutdown, or (DEMO_DRAIN=0) like a naive one, over HTTP/1.1,
// HTTP/2 cleartext or gRPC. Plain Node, no dependencies, no build step: the same
// files run as a local pod and in the container image (manifests/demo/Dockerfile).
//
// Environment:
//   HOST, PORT            where to listen (default 0.0.0.0:8080)
//   POD_NAME              sent back as `x-pod-name` on every response
//   DEMO_PROTOCOL         http1 (default), h2c (HTTP/2 prior knowledge, the same GET
//                         API) or grpc (grpc.health.v1.Health/Check, SERVING while up and
//                         NOT_SERVING once draining, and the unary rollcheck.demo.Demo/Work,
//                         which answers after DEMO_LATENCY_MS with the pod's name)
//   DEMO_LATENCY_MS       time each request takes (default 50: a typical API call,
//                         so that requests are in flight when a signal arrives)
//   DEMO_STREAM_MS        long streams: each request (not the health checks) sends its
//                         head at once and ends this long after (default 0: off)
//   DEMO_DRAIN            1 (default): drain on SIGTERM; 0: close everything and exit at
//                         once (HTTP/2: cut every connection without GOAWAY)
//   DEMO_IDLE_CLOSE_MS    HTTP/1.1: while draining, close a keep-alive connection only
//                         after it stayed idle this long (default 2000)
//   DEMO_DRAIN_TIMEOUT_MS the hard-stop timer: give up draining after this long, cut
//                         what is left (HTTP/2: RST_STREAM CANCEL) and exit 1 (default
//                         60000; 0: no timer, the drain waits for every stream)
//   DEMO_MAX_INFLIGHT     HTTP/1.1 capacity: at most this many requests at once; one more is
//                         answered 503 at once, as an app that sheds load does (default: no limit)
//   DEMO_COLD_START_MS    cold start: for this long after listening, requests take longer
//                         (a tenth of the cold time left, on top), while the health check
//                         is ready at once: a pod that is ready before it is warm (default 0)
//   DEMO_READY_DELAY_MS   a slow start: listen only this long after start, so that every
//                         readiness probe (HTTP, gRPC or TCP) finds the pod not ready until
//                         then (default 0: listen at once)
//   DEMO_MAX_CONNECTION_AGE        HTTP/2: GOAWAY a connection this long (±10 %) after it
//                         opened, as gRPC's MAX_CONNECTION_AGE (e.g. 5s; default 0: never)
//   DEMO_MAX_CONNECTION_AGE_GRACE  HTTP/2: cut an aged connection this long after its GOAWAY
//                         (default 0: wait for its streams)
//
// HTTP/1.1 drain: closing a keep-alive connection that is idle *right now* races
// with a request the client may be sending on it at this very moment (the client
// sees "other side closed"). So, after SIGTERM the server stops accepting,
// answers every request (in flight or new on an open connection) with
// `Connection: close`, and closes a connection by itself only once it has stayed
// idle for a while; it exits 0 when no connection is left. A busy client sends on
// each of its connections well within the idle period, so almost every connection
// ends the safe way (Connection: close); the idle period is long (2 s) because a
// client stalled by a loaded machine leaves all its connections idle at once and
// then sends on all of them in a burst.
//
// HTTP/2 and gRPC drain (a graceful stop): stop accepting, GOAWAY on every
// connection (node's session.close(): the last stream id is the last stream the
// server took), let open streams finish, exit 0 when no connection is left.
// node:http2 cannot send the two-step GOAWAY of grpc-go and Envoy (a first one
// with the largest stream id, the real one a round trip later): after any GOAWAY
// it ignores new streams. So a stream the client sent just as the GOAWAY left is
// refused (above the last stream id, never processed): the GOAWAY race, which a
// standard gRPC client retries by itself.
import { config, configError, log } from './demo-common.mjs';

const error = configError();
if (error !== null) {
  log(`cannot start: ${error}`);
  process.exit(2);
}
await import(config.protocol === 'http1' ? './demo-http1.mjs' : './demo-h2.mjs');
