import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { findJob, type Batch, type Snapshot } from '@oar-live/shared';
import type { Subscription as RxSubscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { MetricsService } from '../metrics/metrics.service';
import { describeZodError } from '../common/zod-validation.pipe';
import { ownTurn } from '../common/turn-pacer';
import { AdmissionPacing } from './admission-pacing';
import { batchReusingParser } from './batch-parser';
import { FAN_OUT_SLICE_MS, FanOutRooms, isSlowConsumer, SHARD_ROOMS, sliceUsedUp } from './fan-out-policy';
import { LiveFeed, parseEpoch, parseSince, type FeedStart, type ResumePoint } from './live-feed.service';
import { LiveSessions } from './live-sessions';
import { SnapshotDelivery } from './snapshot-delivery';
import {
  filterBatch,
  filterSnapshot,
  isUnfiltered,
  subscriptionSchema,
  type Subscription,
} from './subscription-filter';

/**
 * WebSocket compression is negotiated so whole snapshots can be sent compressed (encoded and
 * deflated once, snapshot-encoding.ts). Each compressed message stands alone
 * (serverNoContextTakeover), since those shared frames do not pass through a socket's own
 * compressor; ws compresses nothing else below 1 MiB, so batches keep their one shared frame
 * and sockets no zlib memory. A client asking for a smaller window gets no compression. Clients
 * are asked to let each message stand alone too (clientNoContextTakeover): one that then compresses
 * only large messages, as ws does, sends its small ones plain, and the server holds no inflater for
 * it (16 KB of zlib memory a socket, measured with 1,000 ws subscribers).
 */
const PER_MESSAGE_DEFLATE = {
  threshold: 1024 * 1024,
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 15,
};

/** New connections are upgraded a fan-out slice at a time, so a reconnect storm never blocks the loop. */
const admission = new AdmissionPacing(() => FAN_OUT_SLICE_MS);

interface SocketState {
  subscription: Subscription;
  room: string;
  /** Cut off from live batches until its backlog drains; then resynchronised with a snapshot. */
  lagging: boolean;
}

/**
 * engine.io stops writing shared, pre-encoded frames (Socket.IO's broadcast of a batch to many
 * sockets, our snapshot frames) to a WebSocket once compression is configured, because it cannot
 * know those frames are valid on a compressed connection. Ours are (uncompressed frames always are;
 * deflated ones stand alone), so each WebSocket transport is told to take them again.
 */
function keepSharedFrames(namespace: Namespace): void {
  type Transport = { name: string; perMessageDeflate?: unknown };
  const allow = (transport: Transport) => {
    if (transport.name === 'websocket') transport.perMessageDeflate = null;
  };
  namespace.server.engine.on(
    'connection',
    (conn: { transport: Transport; on(e: 'upgrade', f: (t: Transport) => void): void }) => {
      allow(conn.transport);
      conn.on('upgrade', allow);
    },
  );
}

/** The origins allowed to open a socket: OAR_LIVE_ALLOWED_ORIGINS, else the server's own. */
export function allowedOrigins(config: AppConfig): Set<string> {
  if (config.OAR_LIVE_ALLOWED_ORIGINS) return new Set(config.OAR_LIVE_ALLOWED_ORIGINS.map((o) => new URL(o).origin));
  const hosts = new Set([config.HOST, '127.0.0.1', 'localhost']);
  return new Set([...hosts].map((host) => new URL(`http://${host}:${config.PORT}`).origin));
}

/**
 * Socket.IO namespace `/live`. Handshake `auth: { token?, since? }` → the missed batches or a
 * snapshot, then live `changes`. Every batch is broadcast once per room (Socket.IO encodes a
 * broadcast once for all its sockets): room `all` for unfiltered sockets, one room per distinct
 * `subscribe` filter.
 */
@WebSocketGateway({
  namespace: '/live',
  serveClient: false,
  parser: batchReusingParser,
  perMessageDeflate: PER_MESSAGE_DEFLATE,
  allowRequest: admission.allowRequest,
})
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly namespace!: Namespace;
  private readonly origins: Set<string>;
  private readonly rooms = new FanOutRooms();
  /** Batches waiting for their fan-out, in seq order, and whether a fan-out is under way. */
  private queue: Batch[] = [];
  private pumping = false;
  /** Bumped on a resync: a fan-out in progress drops the rest of its (now stale) batch. */
  private generation = 0;
  /** Sockets that finished their replay during a fan-out; they join their room when it ends. */
  private readonly joinsAfterFanOut: (() => void)[] = [];
  /** How long the fan-out may hold the event loop before yielding (tests set 0 to yield after every room). */
  fanOutSliceMs = FAN_OUT_SLICE_MS;
  private readonly subscriptions: RxSubscription[] = [];
  /** Whole snapshots for unfiltered sockets, encoded once per seq and written a slice at a time. */
  private snapshots!: SnapshotDelivery;
  /** Job owners for `user` filters on job deltas (a job's owner never changes). */
  private readonly ownerOf = (id: number) => findJob(this.state.current(), id)?.user;

  constructor(
    private readonly state: ClusterStateService,
    private readonly feed: LiveFeed,
    private readonly auth: AuthService,
    private readonly metrics: MetricsService,
    private readonly sessions: LiveSessions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.origins = allowedOrigins(config);
  }

  afterInit(namespace: Namespace): void {
    keepSharedFrames(namespace);
    this.snapshots = new SnapshotDelivery(
      () => this.state.current(),
      namespace.name,
      (socket, seq) => this.joinAfter(socket, seq),
      () => this.fanOutSliceMs,
    );
    namespace.use((socket, next) => {
      void this.admit(socket).then(
        () => next(),
        (err: Error) => next(err),
      );
    });
    this.subscriptions.push(
      this.state.batches$.subscribe((batch) => this.broadcast(batch)),
      this.state.resync$.subscribe((snapshot) => this.resyncAll(snapshot)),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Origin check (browsers only send one; other programs send none), token and `since` validation. */
  private async admit(socket: Socket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (origin && !this.origins.has(origin)) throw new Error(`origin ${origin} is not allowed`);
    const { token, since, epoch } = (socket.handshake.auth ?? {}) as {
      token?: unknown;
      since?: unknown;
      epoch?: unknown;
    };
    const access = await this.auth.readAccess(token);
    if (!access.allowed) throw new Error(access.reason);
    const resumeAt = parseSince(since, 'auth.since');
    if (typeof resumeAt === 'object') throw new Error(resumeAt.error);
    const resumeEpoch = parseEpoch(epoch, 'auth.epoch');
    if (typeof resumeEpoch === 'object') throw new Error(resumeEpoch.error);
    const resume: ResumePoint = { since: resumeAt, epoch: resumeEpoch };
    socket.data = { resume, user: access.user?.name ?? null, token: access.user ? token : undefined };
  }

  /**
   * Nest does not wait for this promise nor handle its rejection: whatever fails while resuming is
   * answered here, by closing this socket with the reason, never by ending the process.
   */
  async handleConnection(socket: Socket): Promise<void> {
    const live: SocketState = { subscription: {}, room: this.rooms.roomFor({}), lagging: false };
    socket.data.live = live;
    socket.on('subscribe', (body: unknown, ack?: unknown) => this.subscribe(socket, body, ack));
    socket.on('disconnect', () => this.countSubscribers());
    this.countSubscribers();
    try {
      const stopWatching = await this.sessions.track(socket.data.token as string | undefined, (reason) => {
        socket.emit('session.ended', { reason });
        socket.disconnect();
      });
      socket.on('disconnect', stopWatching);
      await this.feed.resume(socket.data.resume as ResumePoint, (start) => this.start(socket, start));
    } catch (err) {
      this.logger.warn(`socket ${socket.id} could not be resumed: ${(err as Error).message}`);
      socket.emit('live.error', { message: 'The live feed could not be resumed; reconnect to get a fresh snapshot.' });
      socket.disconnect(true);
    }
  }

  /**
   * Sends the replay or snapshot (computed from this process's state right now) and joins the
   * socket's room. A whole snapshot for an unfiltered socket goes through SnapshotDelivery, which
   * sends the latest one and then calls joinAfter.
   */
  private start(socket: Socket, start: FeedStart): void {
    if (socket.disconnected) return;
    const live = socket.data.live as SocketState;
    if (start.kind === 'snapshot' && isUnfiltered(live.subscription)) return this.snapshots.send(socket);
    if (start.kind === 'snapshot') socket.emit('snapshot', filterSnapshot(live.subscription, start.snapshot));
    else for (const batch of start.batches) socket.emit('changes', filterBatch(live.subscription, batch, this.ownerOf));
    this.joinAfter(socket, this.state.current().seq);
  }

  /**
   * Joins the socket, which holds everything up to `upTo`, to its room. During a fan-out, joining
   * would let the rest of a batch it already has reach it twice, so it joins when the fan-out ends,
   * after the batches it missed meanwhile.
   */
  private joinAfter(socket: Socket, upTo: number): void {
    if (this.pumping) this.joinsAfterFanOut.push(() => this.catchUpAndJoin(socket, upTo));
    else this.catchUpAndJoin(socket, upTo);
  }

  private catchUpAndJoin(socket: Socket, upTo: number): void {
    if (socket.disconnected) return;
    const live = socket.data.live as SocketState;
    const missed = this.state.recent(upTo);
    if (!missed) return this.start(socket, { kind: 'snapshot', snapshot: this.state.current() });
    for (const batch of missed) socket.emit('changes', filterBatch(live.subscription, batch, this.ownerOf));
    void socket.join(live.room);
  }

  /** `subscribe` {topics?, user?, nodes?}: answers `{ ok, subscription }` or `{ ok: false, error }`, by ack or event. */
  private subscribe(socket: Socket, body: unknown, ack: unknown): void {
    const parsed = subscriptionSchema.safeParse(body ?? {});
    const reply = parsed.success
      ? { ok: true, subscription: parsed.data }
      : { ok: false, error: `subscribe: ${describeZodError(parsed.error)}` };
    if (parsed.success) this.applySubscription(socket, parsed.data);
    if (typeof ack === 'function') (ack as (r: object) => void)(reply);
    else socket.emit(parsed.success ? 'subscribed' : 'subscribe.error', reply);
  }

  /** Moves the socket to the room of its new filter and sends the snapshot as that filter sees it. */
  private applySubscription(socket: Socket, subscription: Subscription): void {
    const live = socket.data.live as SocketState;
    void socket.leave(live.room);
    this.snapshots.cancel(socket);
    live.subscription = subscription;
    live.room = this.rooms.roomFor(subscription);
    this.start(socket, { kind: 'snapshot', snapshot: this.state.current() });
  }

  private broadcast(batch: Batch): void {
    this.queue.push(batch);
    if (!this.pumping) void this.fanOut();
  }

  private async fanOut(): Promise<void> {
    this.pumping = true;
    try {
      // A batch arrives at the end of the poll's (or the relay's) turn: start on a turn of its own.
      await ownTurn();
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
        const generation = this.generation;
        this.cutOffSlowConsumers();
        const rooms = this.namespace.adapter.rooms;
        let sliceStarted = performance.now();
        for (const room of SHARD_ROOMS) {
          if (generation !== this.generation) break;
          if (!rooms.get(room)?.size) continue;
          this.namespace.to(room).emit('changes', batch);
          if (!sliceUsedUp(sliceStarted, performance.now(), this.fanOutSliceMs)) continue;
          await ownTurn();
          sliceStarted = performance.now();
        }
        if (generation !== this.generation) continue;
        for (const [room, subscription] of this.rooms.filterRooms) {
          if (!rooms.get(room)?.size) this.rooms.filterRooms.delete(room);
          else this.namespace.to(room).emit('changes', filterBatch(subscription, batch, this.ownerOf));
        }
      }
    } finally {
      this.pumping = false;
      for (const join of this.joinsAfterFanOut.splice(0)) join();
    }
  }

  /**
   * A socket whose unsent packets pile up (a client that stopped reading) leaves its room, so its
   * memory stays bounded; when its backlog drains it gets a fresh snapshot and rejoins.
   * `writeBuffer` is engine.io's queue of packets not yet handed to the transport: it is the only
   * measure of a stalled client that does not cost a write.
   */
  private cutOffSlowConsumers(): void {
    for (const socket of this.namespace.sockets.values()) {
      const live = socket.data.live as SocketState | undefined;
      const backlog = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
      if (!live || live.lagging || !isSlowConsumer(backlog)) continue;
      live.lagging = true;
      void socket.leave(live.room);
      this.logger.warn(`socket ${socket.id} is ${backlog} packets behind: paused until it drains`);
      socket.conn.once('drain', () => {
        live.lagging = false;
        this.start(socket, { kind: 'snapshot', snapshot: this.state.current() });
      });
    }
  }

  /** Every socket leaves its room until it has the new snapshot (batches must not overtake it). */
  private resyncAll(snapshot: Snapshot): void {
    this.generation += 1;
    this.queue = [];
    for (const socket of this.namespace.sockets.values()) {
      const live = socket.data.live as SocketState | undefined;
      if (!live || live.lagging) continue;
      void socket.leave(live.room);
      this.start(socket, { kind: 'snapshot', snapshot });
    }
  }

  private countSubscribers(): void {
    this.metrics.subscribers.set({ transport: 'socketio' }, this.namespace.sockets.size);
  }
}
