import { isUnfiltered, subscriptionKey, type Subscription } from './subscription-filter';

/** Packets a socket may have waiting unsent before it is treated as a slow consumer. */
export const MAX_SOCKET_BACKLOG = 32;
/**
 * Unfiltered sockets are spread over this many rooms, and the fan-out of one batch gives the event
 * loop a turn between rooms: writing a 130 KB batch to 1,000 sockets in one go would block it for
 * over 100 ms. The batch is still encoded once for all the rooms (batch-parser). With 16 rooms, one
 * room (~60 sockets) took 15–20 ms, and the first room's turn also holds the batch's arrival (its
 * apply to the snapshot): 43–47 ms blocks at 5,000 nodes and 1,000 subscribers (bench/live.bench.ts).
 * 32 rooms halve that share; a room costs nothing while empty.
 */
export const FAN_OUT_SHARDS = 32;
/**
 * The fan-out yields once it has held the event loop this long (small fan-outs never wait); one
 * room's broadcast of a 250-change batch to ~30 sockets takes about half of 15–20 ms (the time of ~60).
 */
export const FAN_OUT_SLICE_MS = 10;

/** The rooms of unfiltered sockets, in the order a batch visits them. */
export const SHARD_ROOMS: readonly string[] = Array.from({ length: FAN_OUT_SHARDS }, (_, shard) => `all:${shard}`);

/**
 * Which room a socket joins: unfiltered sockets round-robin over the shard rooms; sockets with a
 * filter share one room per distinct filter (a broadcast is encoded once per room), remembered with
 * its subscription until the room empties.
 */
export class FanOutRooms {
  private nextShard = 0;
  /** Filter rooms in use → their subscription. */
  readonly filterRooms = new Map<string, Subscription>();

  roomFor(subscription: Subscription): string {
    if (isUnfiltered(subscription)) return SHARD_ROOMS[this.nextShard++ % FAN_OUT_SHARDS];
    const room = `filter:${subscriptionKey(subscription)}`;
    this.filterRooms.set(room, subscription);
    return room;
  }
}

/** A socket this far behind is cut off from live batches until its backlog drains. */
export function isSlowConsumer(backlog: number): boolean {
  return backlog >= MAX_SOCKET_BACKLOG;
}

/** Whether a fan-out that started its slice at `sliceStarted` has held the event loop long enough to yield. */
export function sliceUsedUp(sliceStarted: number, now: number, sliceMs: number): boolean {
  return now - sliceStarted >= sliceMs;
}
