import type { InFlightRequest } from './request.js';
import type { ProtocolPool, ProtocolPoolOptions, Slot } from './protocol.js';

/** SlotKind is what a client whose connections carry one request at a time supplies to make a pool of its slots. */
export interface SlotKind<S extends Slot> {
  make(): S;
  dispatch(slot: S, r: InFlightRequest): void;
  destroy(slot: S): Promise<void>;
  /** closed is told once every slot is destroyed. */
  closed?(): void;
}

/**
 * createSlotPool keeps slots of one kind, each its own connection carrying one
 * request at a time: a first-in first-out idle list, growing on demand when asked.
 */
export function createSlotPool<S extends Slot>(
  options: Pick<ProtocolPoolOptions, 'size' | 'grow' | 'nextConnId'>,
  kind: SlotKind<S>,
): ProtocolPool {
  const all: S[] = [];
  const idle: S[] = [];
  let idleHead = 0;
  const make = (): S => {
    const slot = kind.make();
    all.push(slot);
    return slot;
  };
  if (!options.grow) for (let i = 0; i < options.size; i += 1) idle.push(make());
  return {
    perConnection: 1,
    acquire() {
      if (idleHead < idle.length) {
        const slot = idle[idleHead] as S;
        idleHead += 1;
        if (idleHead > 1024 && idleHead * 2 > idle.length) {
          idle.splice(0, idleHead);
          idleHead = 0;
        }
        return slot;
      }
      return options.grow && all.length < options.size ? make() : null;
    },
    release(slot) {
      idle.push(slot as S);
    },
    connectionFor(slot) {
      if (slot.connected) return slot.connId;
      slot.pendingConnId ??= options.nextConnId();
      return slot.pendingConnId;
    },
    dispatch: (slot, r) => kind.dispatch(slot as S, r),
    async destroy() {
      await Promise.all(all.map((s) => kind.destroy(s)));
      kind.closed?.();
    },
    get size() {
      return all.length;
    },
  };
}

/** ConnectionWatch is what a slot needs to tell its connection's lifecycle. */
export type ConnectionWatch = Pick<ProtocolPoolOptions, 'nextConnId' | 'nowMs' | 'onConnection'>;

/** slotOpened starts a slot's new connection: its id (the one reserved for it, if any), no requests yet, no pod seen. */
export function slotOpened(slot: Slot, watch: ConnectionWatch): void {
  slot.connId = slot.pendingConnId ?? watch.nextConnId();
  slot.pendingConnId = null;
  slot.connected = true;
  slot.requests = 0;
  slot.pod = undefined;
  watch.onConnection?.({ kind: 'opened', connId: slot.connId, atMs: watch.nowMs() });
}

/** slotClosed ends a slot's connection, if it had one open. */
export function slotClosed(slot: Slot, watch: ConnectionWatch): void {
  if (!slot.connected) return;
  slot.connected = false;
  watch.onConnection?.({ kind: 'closed', connId: slot.connId, atMs: watch.nowMs() });
}
