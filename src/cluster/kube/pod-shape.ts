/**
 * PodLike is the part of a Pod the driver reads. Typed list responses carry
 * `Date`s and watch events carry RFC 3339 strings, so every time is `Date | string`.
 */
export interface PodLike {
  metadata?: {
    name?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    creationTimestamp?: Date | string;
    deletionTimestamp?: Date | string;
    deletionGracePeriodSeconds?: number;
    ownerReferences?: Array<{ kind?: string; name?: string }>;
  };
  spec?: { terminationGracePeriodSeconds?: number; nodeName?: string; containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: {
    phase?: string;
    /** startTime: set by the kubelet once the pod is bound to its node. */
    startTime?: Date | string;
    podIP?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: Date | string }>;
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

/** ContainerStatusLike is one entry of a pod's containerStatuses (or initContainerStatuses). */
export interface ContainerStatusLike {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    running?: { startedAt?: Date | string };
    terminated?: { exitCode?: number; signal?: number; reason?: string; finishedAt?: Date | string; startedAt?: Date | string };
    waiting?: { reason?: string };
  };
}

/** ContainerLike is the part of a container spec the driver reads. */
export interface ContainerLike {
  name?: string;
  image?: string;
  readinessProbe?: ProbeLike;
  ports?: Array<{ containerPort?: number; name?: string }>;
  /** restartPolicy Always on an init container makes it a native sidecar. */
  restartPolicy?: string;
  lifecycle?: { preStop?: HandlerLike };
}

/** HandlerLike is a lifecycle hook or probe action. */
export interface HandlerLike {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number; service?: string };
  sleep?: { seconds?: number };
}

/** ProbeLike is a readiness probe. */
export interface ProbeLike extends HandlerLike {
  periodSeconds?: number;
  initialDelaySeconds?: number;
  failureThreshold?: number;
}

/** isoTime turns an API time (Date or string) into an ISO string, or undefined. */
export function isoTime(t: Date | string | undefined | null): string | undefined {
  if (!t) return undefined;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace('.000Z', 'Z');
}

/** describeHandler says what a hook or probe does, in one short phrase. */
export function describeHandler(h: HandlerLike | undefined): string | null {
  if (!h) return null;
  if (h.sleep?.seconds !== undefined) return `sleep ${h.sleep.seconds}s`;
  if (h.exec?.command) return `exec ${h.exec.command.join(' ')}`;
  if (h.httpGet) return `httpGet ${h.httpGet.path ?? '/'} :${h.httpGet.port ?? ''}`;
  if (h.tcpSocket) return `tcpSocket :${h.tcpSocket.port ?? ''}`;
  if (h.grpc) return `grpc :${h.grpc.port ?? ''}${h.grpc.service ? ` service ${h.grpc.service}` : ''}`;
  return 'handler';
}

/**
 * sleepMsOf reads how long a preStop hook sleeps, when it is a plain sleep
 * (the `sleep` action, `sleep 5`, or `sh -c "sleep 5"`); null when unknown.
 */
export function sleepMsOf(h: HandlerLike | undefined): number | null {
  if (!h) return null;
  if (h.sleep?.seconds !== undefined) return h.sleep.seconds * 1000;
  const cmd = h.exec?.command;
  if (!cmd || cmd.length === 0) return null;
  const text = cmd.length >= 3 && /(^|\/)(ba|da)?sh$/.test(cmd[0] ?? '') && cmd[1] === '-c' ? (cmd[2] ?? '') : cmd.join(' ');
  const m = /^\s*(?:\/bin\/|\/usr\/bin\/)?sleep\s+(\d+(?:\.\d+)?)s?\s*$/.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

/**
 * appContainerOf picks the container that carries the Service's traffic: the
 * one named (`--container`), else the one whose ports include the Service's
 * targetPort (by number or port name), else the first. A mesh proxy injected as
 * the first container is thereby not taken for the app.
 */
export function appContainerOf(containers: readonly ContainerLike[] | undefined, targetPort?: number | string, named?: string): ContainerLike | undefined {
  if (named) return containers?.find((c) => c.name === named);
  const serving = targetPort === undefined ? undefined : containers?.find((c) => (c.ports ?? []).some((p) => (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort)));
  return serving ?? containers?.[0];
}

/** sidecarsOf lists a pod's other long-running containers: the classic ones beside the app and the native sidecars (init containers with restartPolicy Always). */
export function sidecarsOf(pod: PodLike, app: string | undefined): string[] {
  const classic = (pod.spec?.containers ?? []).map((c) => c.name ?? '').filter((n) => n && n !== app);
  const native = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name ?? '').filter(Boolean);
  return [...classic, ...native];
}

/** podRevision names the revision a pod belongs to: its pod-template-hash (a ReplicaSet's; an Argo Rollout's rollouts-pod-template-hash) or controller-revision-hash (a StatefulSet's or DaemonSet's). */
export function podRevision(pod: PodLike): string {
  return (
    pod.metadata?.labels?.['pod-template-hash'] ??
    pod.metadata?.labels?.['rollouts-pod-template-hash'] ??
    pod.metadata?.labels?.['controller-revision-hash'] ??
    pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name ??
    'unknown'
  );
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };

/** signalOfExit reads the signal from an exit code above 128 (137 = SIGKILL), or null. */
export function signalOfExit(exitCode: number | undefined, signal?: number): string | null {
  if (signal) return SIGNALS[signal] ?? `signal ${signal}`;
  if (exitCode === undefined || exitCode <= 128 || exitCode > 128 + 64) return null;
  return SIGNALS[exitCode - 128] ?? `signal ${exitCode - 128}`;
}
