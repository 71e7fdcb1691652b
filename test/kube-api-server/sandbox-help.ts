// What `npm run kube-sandbox -- --help` prints: what the sandbox serves, its
// flags with their defaults, and how to use it with kubectl and rollcheck.

/** SANDBOX_HELP is the kube sandbox's usage text. */
export const SANDBOX_HELP = `Usage: npm run kube-sandbox -- --kubeconfig FILE [options]

An HTTPS Kubernetes API on 127.0.0.1, backed by rollcheck's embedded runtime:
real pods (processes) behind a Service proxy, so real kubectl and
\`rollcheck run\` work against it. It serves, in namespace default:
  - Deployment and Service \`demo\` (or a StatefulSet, DaemonSet or Argo Rollout:
    --workload), its ReplicaSets, pods, EndpointSlices and Events
  - Nodes node-1…node-N (cordon, drain), PodDisruptionBudgets and pods/eviction
  - pods/exec (--inspect-pid1), Jobs and Secrets (rollcheck run --runners N)
It writes a kubeconfig to FILE, prints \`service: URL\` and \`kubeconfig: FILE\`
once ready, and runs until Ctrl-C (SIGINT) or SIGTERM; then it stops every pod
and removes what it made, the kubeconfig included.

Options:
  --kubeconfig FILE          where to write the kubeconfig (required)
  --replicas N               pods of demo (default 3)
  --entrypoint KIND          shell | exec | tini: how the app is started as PID 1 (default exec)
  --prestop-sleep TIME       a preStop sleep hook (default none)
  --grace-period TIME        terminationGracePeriodSeconds (default 30s)
  --endpoint-delay TIME      how long endpoint changes take to reach the Service proxy (default 1s)
  --env K=V                  an env var of the app (repeatable)
  --sidecar proxy            a TCP proxy container in front of the app that exits at SIGTERM
  --workload KIND            deployment | statefulset | daemonset | rollout (default deployment)
  --nodes N                  fake Nodes the pods are spread over (default 3)
  --traffic-policy local[=NODE]
                             the Service is internalTrafficPolicy: Local and traffic enters on NODE
                             (default node-1): the proxy sends it only to that node's pods, and only
                             that node has the proxy's address, so rollcheck run can judge node-local-gap
                             (with --workload daemonset)
  --protocol KIND            http1 | grpc | h2c: what demo speaks, with a matching readiness probe (default http1)
  --strategy KIND            canary | blue-green: the Rollout's strategy (--workload rollout; default blue-green)
  --steps LIST               the canary's steps (default "25%,pause 5s,50%,pause 5s")
  --scale-down-delay TIME    blue-green's scaleDownDelaySeconds (default 30s)
  --auto-promotion BOOL      blue-green's autoPromotionEnabled: false pauses before the switch until
                             promoted (kubectl argo rollouts promote, rollcheck run --promote auto) (default true)
  -h, --help                 this text

Example:
  npm run kube-sandbox -- --kubeconfig /tmp/sandbox.kubeconfig --entrypoint shell --grace-period 3s
  # service: http://127.0.0.1:PORT/
  # kubeconfig: /tmp/sandbox.kubeconfig
  # in another terminal:
  kubectl --kubeconfig /tmp/sandbox.kubeconfig get deploy,rs,pods,svc,endpointslices -o wide
  rollcheck run --kubeconfig /tmp/sandbox.kubeconfig --deployment demo --url http://127.0.0.1:PORT/
`;

/** wantsHelp is true when the sandbox's arguments ask for its usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
