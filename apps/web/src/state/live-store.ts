import {
  applyBatch,
  sameHistory,
  wholeEvent,
  type Batch,
  type Operation,
  type Snapshot,
  type WholeEvent,
} from '@oar-live/shared';
import type { Job } from '@oar-live/oar-client';
import { io, type Socket } from 'socket.io-client';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** One event of the feed with the batch it came in (a delta shown as the whole node or job). */
export interface FeedEntry {
  seq: number;
  at: string;
  event: WholeEvent;
}

export type StoreChange =
  { kind: 'snapshot' } | { kind: 'batch'; batch: Batch } | { kind: 'connection' } | { kind: 'operations' };

export type SocketAuth = { token?: string; since?: number; epoch?: string };

export interface LiveStoreOptions {
  /** Socket.IO server origin; the page's own origin when unset. */
  url?: string;
  token?: () => string | undefined;
  /** How many feed entries and finished jobs to keep in memory. */
  feedLimit?: number;
  finishedLimit?: number;
  /** Clock, replaceable so staleness can be computed deterministically. */
  now?: () => number;
  /** The server refused the connection (e.g. an expired token); the store retries by itself after. */
  onRefused?: (reason: string) => void;
  /** The server ended this signed-in connection (`session.ended`: token expired or revoked), with a sentence saying why. */
  onSessionEnded?: (reason: string) => void;
  /** First retry delay after a refusal; doubles up to 30 s. */
  retryMs?: number;
}

/**
 * The browser's one copy of the cluster: a snapshot kept current by the `/live` batches.
 * Plain TypeScript (no DOM, no Lit) so it runs under node in tests; LiveController adapts it to Lit.
 */
export class LiveStore {
  snapshot: Snapshot | null = null;
  connection: ConnectionState = 'connecting';
  connectionError?: string;
  /** Client time the socket went down (undefined while connected). */
  disconnectedAt?: number;
  readonly feed: FeedEntry[] = [];
  readonly operations = new Map<string, Operation>();
  /** Jobs that left OAR's list, newest first, with the final state OAR reported. */
  readonly finishedJobs: Job[] = [];
  resyncCount = 0;

  private socket?: Socket;
  private refusals = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly feedLimit: number;
  private readonly finishedLimit: number;
  private readonly now: () => number;

  constructor(private readonly options: LiveStoreOptions = {}) {
    this.feedLimit = options.feedLimit ?? 2000;
    this.finishedLimit = options.finishedLimit ?? 200;
    this.now = options.now ?? Date.now;
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.socket) return;
    // A function, so every (re)connection sends the token and the seq we hold at that moment.
    const auth = (cb: (data: SocketAuth) => void) => cb(this.authPayload());
    const nsp = `${this.options.url ?? ''}/live`;
    const socket = (this.socket = io(nsp, { auth, transports: ['websocket'] }));
    socket.on('connect', () => {
      this.refusals = 0;
      this.setConnection('connected');
    });
    socket.on('disconnect', (reason) => {
      this.setConnection('disconnected', reason);
      // The client only reconnects by itself after a transport loss, not when the server hung up.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err) => {
      this.setConnection('disconnected', err.message);
      // A refusal by the server's middleware (origin, token) is not retried by the client itself.
      if (!socket.active) this.retryAfterRefusal(socket, err.message);
    });
    socket.on('session.ended', ({ reason }: { reason: string }) => this.options.onSessionEnded?.(reason));
    socket.on('snapshot', (snapshot: Snapshot) => this.receiveSnapshot(snapshot));
    socket.on('changes', (batch: Batch) => this.receiveBatch(batch));
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.socket = undefined;
  }

  /** Reconnects at once (after login/logout, or to resynchronise), asking for what follows our seq. */
  reconnect(): void {
    if (!this.socket) return this.start();
    this.socket.disconnect();
    this.socket.connect();
  }

  authPayload(): SocketAuth {
    const auth: SocketAuth = {};
    const token = this.options.token?.();
    if (token) auth.token = token;
    if (this.snapshot) {
      auth.since = this.snapshot.seq;
      auth.epoch = this.snapshot.epoch;
    }
    return auth;
  }

  receiveSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.emit({ kind: 'snapshot' });
  }

  receiveBatch(batch: Batch): void {
    const current = this.snapshot;
    if (!current) return; // before the first snapshot
    const otherHistory = !sameHistory(current, batch);
    if (!otherHistory && batch.seq <= current.seq) return; // already applied
    if (otherHistory || batch.seq !== current.seq + 1) {
      this.resyncCount++;
      this.reconnect();
      return;
    }
    this.snapshot = applyBatch(current, batch);
    for (const event of batch.events) this.record(batch, wholeEvent(event, current, this.snapshot));
    this.emit({ kind: 'batch', batch });
  }

  /** Operations read over REST (the live feed only carries changes). */
  mergeOperations(operations: Operation[]): void {
    for (const op of operations) {
      const known = this.operations.get(op.id);
      if (!known || known.updatedAt <= op.updatedAt) this.operations.set(op.id, op);
    }
    this.emit({ kind: 'operations' });
  }

  /** Whether the data shown may be out of date: the socket or OAR is down. */
  get stale(): boolean {
    return this.connection !== 'connected' || this.snapshot?.source.status === 'down';
  }

  /** Seconds since the data was last known current, or undefined while it is current. */
  staleSeconds(): number | undefined {
    if (!this.stale) return undefined;
    const times: number[] = [];
    if (this.disconnectedAt !== undefined) times.push(this.disconnectedAt);
    const source = this.snapshot?.source;
    if (source?.status === 'down' && source.lastOkAt) times.push(Date.parse(source.lastOkAt));
    if (times.length === 0) return this.snapshot ? 0 : undefined;
    return Math.max(0, Math.round((this.now() - Math.min(...times)) / 1000));
  }

  private retryAfterRefusal(socket: Socket, reason: string): void {
    this.options.onRefused?.(reason);
    const delay = Math.min(30_000, (this.options.retryMs ?? 1000) * 2 ** this.refusals++);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.socket === socket && !socket.connected) socket.connect();
    }, delay);
  }

  private record(batch: Batch, event: WholeEvent): void {
    this.feed.push({ seq: batch.seq, at: batch.at, event });
    if (this.feed.length > this.feedLimit) this.feed.splice(0, this.feed.length - this.feedLimit);
    if (event.type === 'operation.updated') this.operations.set(event.operation.id, event.operation);
    if (event.type === 'job.removed') {
      this.finishedJobs.unshift(event.job);
      this.finishedJobs.length = Math.min(this.finishedJobs.length, this.finishedLimit);
    }
  }

  private setConnection(state: ConnectionState, error?: string): void {
    if (state === 'connected') this.disconnectedAt = undefined;
    else this.disconnectedAt ??= this.now();
    this.connection = state;
    this.connectionError = error;
    this.emit({ kind: 'connection' });
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
