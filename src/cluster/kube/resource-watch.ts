import * as k8s from '@kubernetes/client-node';
import { errorCodeOf, statusCodeOf } from './api-errors.js';

/** WatchedObject is any Kubernetes object as a watch or list returns it. */
export interface WatchedObject {
  metadata?: { name?: string; uid?: string; resourceVersion?: string };
}

/** ResourceWatchOptions configures one list+watch of one resource kind. */
export interface ResourceWatchOptions<T extends WatchedObject> {
  kc: k8s.KubeConfig;
  /** The collection path, e.g. /api/v1/namespaces/web/pods. */
  path: string;
  /** The resource name for watch-lost/resumed events ("pods"). */
  resource: string;
  query?: { labelSelector?: string; fieldSelector?: string };
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  /** onSync gets the full current state after the first list and after every relist. */
  onSync(items: T[], relisted: boolean): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
  onLost(error: string): void;
  onResumed(relisted: boolean): void;
  /** Delays between reconnect attempts (the last one repeats). */
  backoffMs?: number[];
  /** onUnauthorized is called when the server answers 401, before the next attempt (refresh the credentials). */
  onUnauthorized?(): void;
  /** A watch with no event and no bookmark for this long is taken for stalled (a half-open connection) and restarted (default 90 s). */
  silenceMs?: number;
}

/** ResourceWatch is a running list+watch; `start` throws the raw API error if the first list or watch fails. */
export interface ResourceWatch {
  start(): Promise<void>;
  stop(): void;
  readonly resourceVersion: string;
}

interface Attempt {
  connected: boolean;
  connectedAtMs: number;
  expired: boolean;
  ended: boolean;
  error: unknown;
}

/**
 * createResourceWatch keeps one watch open for the whole run: it resumes from
 * the last resourceVersion it saw (bookmarks included), relists when the server
 * says 410 Gone, and reconnects with backoff when the stream drops, reporting
 * the gap through onLost/onResumed instead of ever failing the run.
 */
export function createResourceWatch<T extends WatchedObject>(options: ResourceWatchOptions<T>): ResourceWatch {
  const backoff = options.backoffMs ?? [200, 500, 1000, 2000, 5000];
  const watcher = new k8s.Watch(options.kc);
  let rv = '';
  let stopped = false;
  let current: Attempt | null = null;
  let abort: AbortController | null = null;
  let recovering = false;
  let timer: NodeJS.Timeout | null = null;
  const silenceMs = options.silenceMs ?? 90_000;
  let silence: NodeJS.Timeout | null = null;
  // Every line (bookmarks too) proves the connection alive; silence past silenceMs means it is not.
  const heard = (attempt: Attempt): void => {
    if (silence) clearTimeout(silence);
    silence = setTimeout(() => {
      if (stopped || attempt !== current || attempt.ended) return;
      attempt.error = Object.assign(new Error('stalled'), { code: 'STALLED' });
      abort?.abort();
      onDone(attempt, attempt.error);
    }, silenceMs);
    silence.unref?.();
  };

  const relist = async (relisted: boolean): Promise<void> => {
    const { items, resourceVersion } = await options.list();
    rv = resourceVersion;
    if (!stopped) options.onSync(items, relisted);
  };

  const onLine = (attempt: Attempt, type: string, object: unknown): void => {
    if (stopped || attempt !== current) return;
    heard(attempt);
    if (type === 'ERROR') {
      const status = object as { code?: number; reason?: string };
      attempt.expired = status?.code === 410 || status?.reason === 'Expired' || status?.reason === 'Gone';
      if (!attempt.expired) attempt.error = Object.assign(new Error('watch error'), { statusCode: status?.code });
      abort?.abort();
      return;
    }
    const meta = (object as WatchedObject | null)?.metadata;
    if (meta?.resourceVersion) rv = meta.resourceVersion;
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') options.onEvent(type, object as T);
  };

  const onDone = (attempt: Attempt, err: unknown): void => {
    if (attempt.ended) return;
    attempt.ended = true;
    if (err && !attempt.error && !(stopped || isAbort(err))) attempt.error = err;
    if (stopped || attempt !== current || !attempt.connected) return;
    void recover(attempt);
  };

  // connect opens one watch from `rv`; it reports failure instead of throwing.
  const connect = async (): Promise<Attempt> => {
    const attempt: Attempt = { connected: false, connectedAtMs: 0, expired: false, ended: false, error: undefined };
    current = attempt;
    const params: Record<string, string | boolean> = { allowWatchBookmarks: true, ...options.query };
    if (rv) params.resourceVersion = rv;
    try {
      abort = await watcher.watch(options.path, params, (type, obj) => onLine(attempt, type, obj), (err) => onDone(attempt, err));
    } catch (e) {
      attempt.error = e;
      attempt.ended = true;
    }
    if (stopped) abort?.abort();
    if (!attempt.ended) {
      attempt.connected = true;
      attempt.connectedAtMs = Date.now();
      heard(attempt);
    }
    return attempt;
  };

  const recover = async (dropped: Attempt): Promise<void> => {
    if (recovering || stopped) return;
    recovering = true;
    let needRelist = dropped.expired;
    let announced = false;
    let relisted = false;
    let lastError: unknown = dropped.error;
    // A clean end of stream is routine (servers time watches out): reconnect quietly first.
    if (dropped.error || dropped.expired) {
      options.onLost(describe(dropped));
      announced = true;
    } else if (Date.now() - dropped.connectedAtMs < 1000) {
      // A server that ends every watch at once must not be hammered in a tight loop.
      await new Promise<void>((r) => (timer = setTimeout(r, backoff[0] ?? 200)));
    }
    for (let i = 0; !stopped; i += 1) {
      try {
        if (needRelist) {
          await relist(true);
          needRelist = false;
          relisted = true;
        }
        const attempt = await connect();
        if (attempt.connected) {
          if (announced) options.onResumed(relisted);
          recovering = false;
          if (attempt.ended) void recover(attempt);
          return;
        }
        needRelist = attempt.expired || statusCodeOf(attempt.error) === 410;
        if (statusCodeOf(attempt.error) === 401) options.onUnauthorized?.();
        lastError = attempt.error;
      } catch (e) {
        lastError = e;
        if (statusCodeOf(e) === 401) options.onUnauthorized?.();
      }
      if (!announced) {
        options.onLost(describe({ connected: false, connectedAtMs: 0, expired: needRelist, ended: true, error: lastError }));
        announced = true;
      }
      await new Promise<void>((r) => (timer = setTimeout(r, backoff[Math.min(i, backoff.length - 1)])));
    }
    recovering = false;
  };

  return {
    get resourceVersion() {
      return rv;
    },
    async start() {
      try {
        await relist(false);
      } catch (e) {
        throw new WatchStartError('list', e);
      }
      const attempt = await connect();
      if (!attempt.connected) {
        if (attempt.expired) return void (await recover(attempt));
        throw new WatchStartError('watch', attempt.error ?? new Error(`watch of ${options.resource} closed at once`));
      }
      if (attempt.ended) void recover(attempt);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (silence) clearTimeout(silence);
      abort?.abort();
    },
  };
}

/** WatchStartError is a failure of the first list or watch, with the RBAC verb that failed. */
export class WatchStartError extends Error {
  override readonly name = 'WatchStartError';
  constructor(
    readonly verb: 'list' | 'watch',
    override readonly cause: unknown,
  ) {
    super(`${verb} failed`);
  }
}

function isAbort(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'AbortError' || errorCodeOf(e) === 'ABORT_ERR';
}

// describe says why a watch broke in a few words, never quoting a server message.
function describe(a: Attempt): string {
  if (a.expired) return '410 Gone: resourceVersion too old, relisting';
  const status = statusCodeOf(a.error);
  if (status !== undefined) return `HTTP ${status}`;
  const code = errorCodeOf(a.error);
  if (code === 'STALLED') return 'stalled: no event and no bookmark for too long, restarted';
  return code ? `connection lost (${code})` : 'connection lost';
}
