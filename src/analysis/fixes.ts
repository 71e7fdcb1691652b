// The fixes: for each finding, what a user can change. Each rule's finding
// carries its id's fix; a fix follows the mechanism the finding names.
import type { FindingId } from '../results/types.js';

/** FIXES is the fix a user can apply for each finding. */
export const FIXES: Record<FindingId, string> = {
  'sigterm-ignored':
    'Make the app PID 1 or forward signals to it: `exec` the app from the entrypoint script (`exec node server.js`), ' +
    'use the exec form `CMD ["node", "server.js"]` rather than the shell form `CMD node server.js`, or run an init ' +
    'that forwards signals (tini: `ENTRYPOINT ["tini", "--"]`, or dumb-init). Check that STOPSIGNAL is a signal the app handles. ' +
    'An app that is PID 1 itself must install a SIGTERM handler (as PID 1 the default action does not apply).',
  'no-prestop-drain':
    'Keep serving until the endpoint is gone: add a preStop sleep longer than endpoint propagation ' +
    '(Kubernetes >= 1.30: `lifecycle: {preStop: {sleep: {seconds: 5}}}`; older: `preStop: {exec: {command: ["sleep", "5"]}}`), ' +
    'and make terminationGracePeriodSeconds cover the preStop sleep plus the app\'s own drain.',
  'keepalive-reset':
    'Drain keep-alive connections instead of cutting them: after SIGTERM answer each request with `Connection: close`, ' +
    'close a connection only once it has been idle for a while (e.g. 500 ms), finish in-flight requests, then exit. ' +
    'Closing idle connections at once races with requests clients are already sending on them.',
  'sidecar-exited-first':
    'Stop the proxy after the app: run it as a native sidecar (an initContainer with `restartPolicy: Always`, Kubernetes >= 1.29), ' +
    'which the kubelet stops only after the app containers have exited; or make the proxy wait for the app before it exits ' +
    '(Istio: `EXIT_ON_ZERO_ACTIVE_CONNECTIONS` or a `terminationDrainDuration` longer than the app\'s drain; Linkerd: ' +
    '`config.alpha.linkerd.io/proxy-wait-before-exit-seconds`), and give it the same preStop sleep as the app.',
  'not-ready-traffic':
    'Give the pod a readiness probe that succeeds only when the app can really serve (listening, warmed up, ' +
    'dependencies reachable); add a startupProbe for slow starts, and minReadySeconds if it needs to settle.',
  'unrelated-errors':
    'Look at the app and its dependencies, not at the rollout: these errors happen without pod changes too ' +
    '(run `rollcheck load` against the steady service to confirm), see each kind\'s meaning in the failure table.',
  'rollout-failed':
    'Find out why the new pods did not become available: `kubectl rollout status`, `kubectl describe pod` and the new ' +
    'pods\' logs (image pull errors, crash loops, failing readiness probes, missing config).',
  'grace-too-short':
    'Give the pod time to finish: raise terminationGracePeriodSeconds above the preStop sleep plus the app\'s longest drain ' +
    '(longest request, plus closing idle keep-alive connections), or make the app drain faster (shorter request timeouts at shutdown).',
  'prestop-exceeds-grace':
    'Make the preStop hook shorter than the grace period, or raise terminationGracePeriodSeconds: the grace period counts from ' +
    'the start of the preStop hook, so a hook that uses it up leaves the app only the kubelet\'s 2 s after SIGTERM.',
  'pod-crashed':
    'Look at why the pod died on its own (its log, `kubectl describe pod` for OOMKilled and the exit code): raise the memory ' +
    'limit for OOMKilled, fix the crash otherwise. A crash is not a rollout problem: requests on it die whatever the rollout does.',
  'slow-start':
    'Mark the pod ready only once it is warm: a startupProbe or a readiness probe that checks what is slow to start ' +
    '(caches, JIT, connection pools), a warm-up step before the server reports ready, and minReadySeconds so the ' +
    'rollout does not move on while new pods are still slow.',
  'upstream-keepalive-reset':
    'The proxy keeps pooled keep-alive connections to each pod: drain them instead of cutting them at SIGTERM (answer with ' +
    '`Connection: close`, close a connection only once idle, finish in-flight requests, then exit), and keep the pod serving ' +
    'until the ingress has removed it (a preStop sleep longer than endpoint propagation plus the ingress\'s own delay).',
  'no-ready-endpoints':
    'Never let the number of ready pods reach zero: maxUnavailable 0 with maxSurge >= 1, enough replicas, and a readiness ' +
    'probe that does not fail on all pods at once (e.g. on a shared dependency).',
  'ingress-lag':
    'Keep each pod serving until the ingress has removed it, not just the Service: make the preStop sleep longer than ' +
    'endpoint propagation plus the ingress controller\'s own update delay (ingress-nginx applies endpoint changes after its ' +
    'sync period; cloud load balancers after deregistration).',
  'ingress-reload':
    'A proxy that reloads its configuration closes its idle client keep-alive connections, racing with requests clients ' +
    'are sending on them: keep reloads rare (ingress-nginx applies endpoint changes without a reload; config and annotation ' +
    'changes still reload), and let clients retry idempotent requests on a closed keep-alive connection.',
  'no-pdb':
    'Give the workload a PodDisruptionBudget: a drain (node-pool upgrades, cluster-autoscaler and Karpenter consolidation) ' +
    'then evicts its pods one at a time as the budget allows, and the API refuses (429) an eviction that would take more, ' +
    'until the replacement is ready. Spread the replicas over nodes too (topologySpreadConstraints by hostname).',
  'watch-lost':
    'Pod and endpoint events in that gap may be missing or late, so attribution there is less certain; check the ' +
    'connection to the API server and that the Role allows `watch` on pods and endpointslices.',
  'stable-scaled-down-early':
    'Keep the old ReplicaSet up until every router has stopped sending to it: set the Rollout\'s ' +
    '`spec.strategy.blueGreen.scaleDownDelaySeconds` longer than endpoint propagation plus the ingress\'s (or mesh\'s) own ' +
    'update delay (Argo\'s default is 30 s; 0 scales the old pods down as the selector switches), and give the pods a preStop ' +
    'sleep so that the ones still routed keep serving.',
  'weight-before-ready':
    'Shift weight only to pods that are ready and registered: a readiness probe that fails until the app can serve, ' +
    'minReadySeconds (or the Rollout\'s `spec.minReadySeconds`) so pods count as available a while after ready, and with a ' +
    'traffic router its target verification (ALB `verify-weight`) or a pause before each setWeight.',
  'abort-drops':
    'The way back is a scale-down like any other: give the canary pods the same shutdown as the stable ones (preStop sleep ' +
    'longer than endpoint propagation, drained keep-alive connections, a grace period that covers both), and keep ' +
    '`abortScaleDownDelaySeconds` long enough for routers to stop sending to the canary first.',
  'no-surge-capacity':
    'Keep enough pods serving while each one is replaced: a StatefulSet and a DaemonSet without surge take a pod out before its ' +
    'replacement is ready, so the others carry its traffic. Run more replicas (the rest must carry the load with one gone), give a ' +
    'DaemonSet `updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}` (Kubernetes >= 1.25; not with hostPort), or slow ' +
    'the update down (`minReadySeconds`, a StatefulSet `partition` stepped by hand) so that the traffic has time to move.',
  'node-local-gap':
    'A node-local Service (`internalTrafficPolicy: Local` or `externalTrafficPolicy: Local`) has nowhere to send traffic while its ' +
    "node's pod is replaced: give the DaemonSet `maxSurge: 1, maxUnavailable: 0` so the new pod is ready before the old one goes, " +
    'use `trafficPolicy: Cluster` where the source IP or the hop does not matter, or have clients fall back to another node.',
  'no-graceful-stop':
    'Stop gracefully on SIGTERM: send GOAWAY, let running streams finish, then exit (grpc-go `GracefulStop()`, grpc-java ' +
    '`shutdown()` + `awaitTermination`, Python grpcio `server.stop(grace_seconds)`, node:http2 `session.close()` on every session ' +
    'then `server.close()`), with a timer that falls back to a hard stop before the grace period ends; and add the preStop sleep ' +
    'the endpoint race needs anyway (`lifecycle: {preStop: {sleep: {seconds: 5}}}`), so clients get the GOAWAY after the pod left the endpoints.',
  'goaway-race':
    'Keep serving until the endpoint is gone, then send GOAWAY: a preStop sleep longer than endpoint propagation (`lifecycle: {preStop: ' +
    '{sleep: {seconds: 5}}}`) so clients have moved their new streams elsewhere before the GOAWAY; and send the two-step GOAWAY ' +
    '(first with last-stream-id 2^31-1, then, after a round trip, the real one: what grpc-go, Envoy and node\'s `session.close()` after ' +
    'a PING do) so streams already on the wire are processed rather than refused. Standard gRPC clients retry refused streams; ' +
    'streams reset after they started reach the application.',
  'graceful-stop-exceeds-grace':
    'Bound the graceful stop by the grace period: start a timer at SIGTERM that falls back to a hard stop (grpc-go `Stop()` after ' +
    '`GracefulStop()` times out, grpc-java `shutdownNow()` after `awaitTermination(t)`, grpcio `server.stop(grace)` with grace below ' +
    'the period), shorter than terminationGracePeriodSeconds minus the preStop sleep; give long streams a deadline, or raise the grace period ' +
    'above the longest stream you must let finish.',
  'connection-pinning':
    'Re-spread long-lived HTTP/2 connections: set a maximum connection age on the server (grpc-go `MaxConnectionAge` + ' +
    '`MaxConnectionAgeGrace`, grpc-java `maxConnectionAge`, grpcio `grpc.max_connection_age_ms`), so clients reconnect and reach new ' +
    'pods; or balance per request instead of per connection: client-side load balancing over a headless Service (gRPC `round_robin`), ' +
    'or an L7 proxy (Envoy, nginx `grpc_pass`, HAProxy `proto h2`). kube-proxy balances connections, not requests.',
};
