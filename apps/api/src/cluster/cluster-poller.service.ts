import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  DEFAULT_TIMEOUT_MS,
  OarClient,
  OarHttpError,
  OarTimeoutError,
  OarUnreachableError,
  TRANSIENT_JOB_STATES,
} from '@oar-live/oar-client';
import type { Batch, LiveEvent, Snapshot, SourceStatus } from '@oar-live/shared';
import { IncomingActions } from '../common/incoming-actions';
import { settleWithin } from '../common/settle-within';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MetricsService, type OarErrorKind } from '../metrics/metrics.service';
import { explainSourceTrouble } from '../common/oar-messages';
import { ClusterAnnotations } from './cluster-annotations';
import { ClusterStateService } from './cluster-state.service';
import { DiffBasis } from './diff-basis';
import { diffClusterChunked } from './differ';
import { EventLogService, LeaseLostError, StreamLostError } from './event-log.service';
import { LeaderLease } from './leader-lease';
import { nextMean, nextTickMean, planLoad, type Plan } from './load-budget';
import {
  FULL_READ_TIMEOUT_MS,
  FullReader,
  IncrementalReader,
  FULL_ROWS_PAGE_SIZE,
  type CostListener,
  type FullRows,
  type Reading,
} from './oar-reader';
import type { CheckMark } from './reading-rules';
import { LiveRedis } from './redis.provider';

/** Poll interval right after a mutation and while jobs pass through transient states. */
export const FAST_POLL_MS = 500;
/** How long polling stays fast after `pollSoon()`. */
export const FAST_WINDOW_MS = 30_000;
export const MAX_BACKOFF_MS = 30_000;
/** Lease renewal / takeover attempt period; the lease lives 4 × this, so fail-over takes ≤ ~5 s. */
export const LEASE_RENEW_MS = 1000;
/** Longest shutdown waits for the poll in flight (part of the 3 s SIGTERM budget, README). */
const SHUTDOWN_POLL_WAIT_MS = 1000;
/** The incremental reader reads the resource list every this many job ticks (every tick while fast). */
export const RESOURCE_TICKS = 5;
/** A jobs tick's requests time out after this many times its usual cost (tickTimeoutMs)… */
const TICK_TIMEOUT_FACTOR = 10;
/** …and never sooner than this: OAR's light job list took up to 1.8 s on the loaded host at 1,000 jobs. */
const TICK_TIMEOUT_FLOOR_MS = 5000;
/** Every listed job's details are read again at least this often (fields the light list lacks). */
export const DETAILS_REFRESH_MS = 120_000;
/**
 * The budget plans for this share of OAR_MAX_LOAD: it plans with mean costs, which lag behind
 * bursts (nextTickMean clips them on purpose), so OAR_MAX_LOAD planned whole was overrun: 21.1 % of
 * OAR's time by oar-live's measure against 20 %, at Grid'5000 size on the real sandbox.
 */
const PLANNED_SHARE_OF_MAX_LOAD = 0.9;
/** Made once: building an Intl.ListFormat took 7 ms of a poll on the loaded host. */
const READ_LIST = new Intl.ListFormat('en');

/** A full re-read that ended, waiting for the next tick to check the incremental state with it. */
interface FinishedResync {
  full: FullRows;
  mark: CheckMark;
  /** The reader it checks (a new leader term starts a new one: the check is then dropped). */
  reader: IncrementalReader;
}

/**
 * What a poll reads besides the job list; `background`: the resource list without waiting for it;
 * `owed`: instead of the lists, the unchanged jobs the last tick owes a read (IncrementalReader.readOwed).
 */
interface ReadsDue {
  resources: boolean;
  owed?: boolean;
  background?: boolean;
  check?: FinishedResync;
}

function errorKind(err: unknown): OarErrorKind {
  if (err instanceof OarTimeoutError) return 'timeout';
  if (err instanceof OarUnreachableError) return 'unreachable';
  if (err instanceof OarHttpError) return 'http';
  return 'other';
}

/**
 * Polls OAR and appends what changed as one batch. The reading itself is ./oar-reader's (incremental
 * by default: light lists each tick, details of what changed; OAR_READER=full reads everything).
 * OAR's time answering these reads is kept under OAR_MAX_LOAD by reading less often (./load-budget).
 * One poll at a time; only the holder of the Redis lease polls (the other replicas relay).
 * Source status: `up` = the last poll read everything; `degraded` = the lists were read but the final
 * state of a vanished job could not be (it stays listed until a later poll reads it); `down` = the
 * lists could not be read (the snapshot is kept as it was, nothing is removed, polls back off).
 */
@Injectable()
export class ClusterPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClusterPoller.name);
  readonly lease: LeaderLease;
  private timer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private failures = 0;
  /** ISO time of the last poll that read OAR (batch or not), for `source.status` down's `lastOkAt`. */
  private lastReadAt?: string;
  private fastUntil = 0;
  private stopped = false;
  /** The relay saw the stream vanish from Redis: the next poll restarts it even if nothing changed. */
  private streamLost = false;
  private readonly full: FullReader;
  /** The full re-read of the incremental reader: big pages, long time limits. */
  private readonly resyncReader: FullReader;
  private incremental: IncrementalReader;
  /** Mean OAR time (ms) of one jobs tick, one resource list read, one full re-read, one job's details. */
  private readonly costs = { jobs: 0, resources: 0, resync: 0, detail: 0 };
  /** The first read's job list (ms): what a tick costs at least, before any tick was measured. */
  private firstListMs = 0;
  private plan: Plan = { jobsPeriodMs: 0, othersStretch: 1 };
  /** The `slowed` sentence in force and the stretches it was written for. */
  private slowed: { text: string; jobs: number; others: number } | undefined;
  private lastResourcesAt = 0;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** When the wait for the next periodic full re-read began: it lasts OAR_RESYNC_MS times the budget's stretch then. */
  private resyncWaitFrom = 0;
  /** The full re-read in flight (beside the polls, never inside one) and how to stop it. */
  private resyncing: { done: Promise<void>; abort: AbortController } | undefined;
  private finishedResync: FinishedResync | undefined;
  private readonly diffBasis = new DiffBasis();

  constructor(
    private readonly oar: OarClient,
    private readonly log: EventLogService,
    private readonly state: ClusterStateService,
    private readonly redis: LiveRedis,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly annotations: ClusterAnnotations,
    // Absent in apps built without CommonModule (the live pipeline's tests): nothing to wait for.
    @Optional() private readonly incoming?: IncomingActions,
  ) {
    this.lease = new LeaderLease(redis.commands, log.keys.lease, 4 * LEASE_RENEW_MS);
    state.streamLost$.subscribe(() => {
      if (this.streamLost) return;
      this.streamLost = true;
      this.schedule(0);
    });
    this.full = new FullReader(oar);
    this.resyncReader = new FullReader(oar, {
      pageSize: FULL_ROWS_PAGE_SIZE,
      timeoutMs: FULL_READ_TIMEOUT_MS,
      chunked: true,
    });
    this.incremental = new IncrementalReader(oar);
    metrics.oarMaxLoad.set(config.OAR_MAX_LOAD);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshLease();
  }

  /** First shutdown phase, so the last poll finishes while Redis is still connected. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.leaseTimer);
    this.stopResync();
    // With Redis away the poll's append and the release would wait for it to return: neither is
    // waited for, and the lease expires by itself (its TTL) before another replica takes over.
    if (this.redis.commands.status !== 'ready') return;
    await settleWithin(this.resyncing?.done, SHUTDOWN_POLL_WAIT_MS);
    await settleWithin(this.polling, SHUTDOWN_POLL_WAIT_MS);
    await settleWithin(this.lease.release(), SHUTDOWN_POLL_WAIT_MS);
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  /**
   * Poll now and every FAST_POLL_MS for the next FAST_WINDOW_MS (after a mutation). Works from any
   * replica: on a follower it leaves a key in Redis that the leader sees within LEASE_RENEW_MS.
   */
  pollSoon(): void {
    if (this.lease.isLeader) {
      this.fastUntil = Date.now() + FAST_WINDOW_MS;
      this.schedule(0);
    } else {
      void this.redis.commands.set(this.fastKey, '1', 'PX', FAST_WINDOW_MS).catch(() => undefined);
    }
  }

  /** A full re-read now (unless one runs), to check the incremental state (incremental reader only). */
  requestResync(): void {
    this.scheduleResync(0);
  }

  /**
   * The full re-read runs on its own timer beside the polls: at 25,000 resources and 1,000 jobs it
   * takes a minute or more, and job changes must not wait behind it. It starts OAR_RESYNC_MS (times
   * the load budget's stretch) after the last one ended; the tick after it ends checks the
   * incremental state with it (IncrementalReader.finishCheck).
   */
  private scheduleResync(delayMs: number): void {
    clearTimeout(this.resyncTimer);
    if (this.stopped || !this.lease.isLeader || this.config.OAR_READER === 'full' || this.resyncing) return;
    const requested = delayMs === 0;
    this.resyncTimer = setTimeout(() => this.resyncWhenDue(requested), delayMs);
  }

  /** The stretch may have grown while waiting (the first re-read's cost is only estimated): wait on. */
  private resyncWhenDue(requested: boolean): void {
    const dueAt = this.resyncWaitFrom + this.config.OAR_RESYNC_MS * this.plan.othersStretch;
    if (requested || Date.now() >= dueAt) return this.resync();
    this.resyncTimer = setTimeout(() => this.resyncWhenDue(false), dueAt - Date.now());
  }

  private resync(): void {
    const reader = this.incremental;
    const mark = reader.beginCheck();
    const abort = new AbortController();
    const started = Date.now();
    const done = this.resyncReader.readRows(this.state.current(), abort.signal, reader.known).then(
      (full) => {
        this.costs.resync = nextMean(this.costs.resync, Date.now() - started);
        if (reader !== this.incremental || abort.signal.aborted) return;
        this.finishedResync = { full, mark, reader };
        this.schedule(0);
      },
      (err: Error) => {
        if (!abort.signal.aborted) this.logger.warn(`the full re-read failed (tried again later): ${err.message}`);
      },
    );
    this.resyncing = { done, abort };
    void done.finally(() => {
      this.resyncing = undefined;
      this.resyncWaitFrom = Date.now();
      this.scheduleResync(this.config.OAR_RESYNC_MS);
    });
  }

  private stopResync(): void {
    clearTimeout(this.resyncTimer);
    this.resyncing?.abort.abort();
    this.finishedResync = undefined;
  }

  private get fastKey(): string {
    return `${this.log.keys.lease}:poll-soon`;
  }

  /** A follower asked for a poll (pollSoon): poll now and fast for what is left of its window. */
  private async checkPollSoon(): Promise<void> {
    const left = await this.redis.commands.pttl(this.fastKey);
    if (left <= 0) return;
    await this.redis.commands.del(this.fastKey);
    this.fastUntil = Math.max(this.fastUntil, Date.now() + left);
    this.schedule(0);
  }

  private async refreshLease(): Promise<void> {
    if (this.stopped) return;
    const wasLeader = this.lease.isLeader;
    try {
      const leader = await this.lease.refresh();
      if (leader && !wasLeader) {
        this.logger.log('took the poller lease: polling OAR');
        await this.state.catchUp();
        // What another leader published since this process last read is unknown here: start afresh.
        this.incremental = new IncrementalReader(this.oar);
        this.schedule(0);
        this.resyncWaitFrom = Date.now();
        this.scheduleResync(this.config.OAR_RESYNC_MS);
      } else if (leader) {
        await this.checkPollSoon();
      } else if (wasLeader) {
        this.logger.warn('lost the poller lease: relaying only');
        clearTimeout(this.timer);
        this.stopResync();
      }
    } catch (err) {
      this.logger.warn(`poller lease: ${(err as Error).message}`);
    }
    if (!this.stopped) this.leaseTimer = setTimeout(() => void this.refreshLease(), LEASE_RENEW_MS);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped || !this.lease.isLeader) return;
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    const started = Date.now();
    const fast = this.isFast();
    const resourceEvery = this.nominalTickMs(fast) * (fast ? 1 : RESOURCE_TICKS) * this.plan.othersStretch;
    const check = this.finishedResync;
    this.finishedResync = undefined;
    this.polling = this.tick({
      resources: Date.now() - this.lastResourcesAt >= resourceEvery,
      background: true,
      check,
    })
      .then(
        () => undefined,
        (err: Error) => {
          // OAR failures are handled inside pollOnce; this is Redis failing to take the batch.
          this.failures += 1;
          this.logger.error(`poll could not be recorded: ${err.message}`);
        },
      )
      .finally(() => (this.polling = null));
    await this.polling;
    // Periods run from start to start (what the load budget plans), so a slow OAR does not add its
    // answer time to every period; a failed poll waits its whole backoff.
    const elapsed = this.failures > 0 ? 0 : Date.now() - started;
    const delay = this.pollAgain ? 0 : Math.max(0, this.nextDelay() - elapsed);
    this.pollAgain = false;
    this.schedule(delay);
  }

  /** One jobs tick: its changes first, then (their batch out) the unchanged jobs it owes a read. */
  private async tick(due: ReadsDue): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.pollOnce(due);
      if (this.failures === 0 && this.config.OAR_READER !== 'full' && this.incremental.owesReads) {
        await this.pollOnce({ resources: false, owed: true });
      }
    } finally {
      // One poll for people and monitoring: both parts of the tick, successful or not.
      this.metrics.pollDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private isFast(): boolean {
    const transient = this.state.current().jobs.some((job) => TRANSIENT_JOB_STATES.includes(job.state as never));
    return transient || Date.now() < this.fastUntil;
  }

  private nominalTickMs(fast = this.isFast()): number {
    return fast ? Math.min(FAST_POLL_MS, this.config.OAR_POLL_MS) : this.config.OAR_POLL_MS;
  }

  private nextDelay(): number {
    if (this.failures > 0) return Math.min(MAX_BACKOFF_MS, this.config.OAR_POLL_MS * 2 ** (this.failures - 1));
    return this.replan();
  }

  /**
   * A tick's own requests give up after TICK_TIMEOUT_FACTOR times what a tick costs OAR lately (at
   * least TICK_TIMEOUT_FLOOR_MS), rather than the client's 15 s: on a network that drops packets
   * (no reset), the source stayed `up` for those 15 s with nothing read, and no stale banner showed.
   */
  private tickTimeoutMs(): number {
    return Math.min(
      DEFAULT_TIMEOUT_MS,
      Math.max(TICK_TIMEOUT_FLOOR_MS, TICK_TIMEOUT_FACTOR * (this.costs.jobs || this.firstListMs)),
    );
  }

  private estimatedResyncMs(): number {
    return this.costs.detail * this.state.current().jobs.length + this.costs.resources;
  }

  /** Every listed job's details are read again within this (ms): the budget stretches it with the other reads. */
  private get detailsRefreshMs(): number {
    return DETAILS_REFRESH_MS * this.plan.othersStretch;
  }

  /** The next jobs tick's delay within the load budget (and the stretch of the other reads). */
  private replan(): number {
    const fast = this.isFast();
    const tickMs = this.nominalTickMs(fast);
    const resourcesMs = tickMs * (fast ? 1 : RESOURCE_TICKS);
    const others =
      this.config.OAR_READER === 'full'
        ? []
        : [
            { periodMs: resourcesMs, costMs: this.costs.resources },
            // Until one has run, a full re-read costs about every job's details and the resource list.
            { periodMs: this.config.OAR_RESYNC_MS, costMs: this.costs.resync || this.estimatedResyncMs() },
            // Every listed job's details again within DETAILS_REFRESH_MS.
            { periodMs: DETAILS_REFRESH_MS, costMs: this.costs.detail * this.state.current().jobs.length },
          ];
    const planned = PLANNED_SHARE_OF_MAX_LOAD * this.config.OAR_MAX_LOAD;
    this.plan = planLoad({ periodMs: tickMs, costMs: this.costs.jobs }, others, planned);
    this.metrics.readPeriod.set({ read: 'jobs' }, this.plan.jobsPeriodMs / 1000);
    if (this.config.OAR_READER !== 'full') {
      this.metrics.readPeriod.set({ read: 'resources' }, (resourcesMs * this.plan.othersStretch) / 1000);
      this.metrics.readPeriod.set({ read: 'resync' }, (this.config.OAR_RESYNC_MS * this.plan.othersStretch) / 1000);
      this.metrics.readPeriod.set({ read: 'details' }, this.detailsRefreshMs / 1000);
    }
    return this.plan.jobsPeriodMs;
  }

  /**
   * Said in `source.status` while the load budget reads OAR at least 1.5 times less often than
   * configured. The sentence is kept while the plan stays within a quarter of the numbers it gives,
   * so a plan that wavers does not make a `source.status` event each poll.
   */
  private slowedNotice(): string | undefined {
    const tickMs = this.nominalTickMs();
    const incremental = this.config.OAR_READER !== 'full';
    const jobsStretch = this.plan.jobsPeriodMs / tickMs;
    const othersStretch = incremental ? this.plan.othersStretch : 1;
    if (jobsStretch < 1.5 && othersStretch < 1.5) return (this.slowed = undefined);
    const near = (a: number, b: number) => Math.abs(a - b) <= 0.25 * b;
    if (this.slowed && near(jobsStretch, this.slowed.jobs) && near(othersStretch, this.slowed.others)) {
      return this.slowed.text;
    }
    const duration = (ms: number) =>
      ms < 10_000
        ? `${Math.round(ms / 100) / 10} s`
        : ms < 120_000
          ? `${Math.round(ms / 1000)} s`
          : `${Math.round(ms / 60_000)} min`;
    const resourcesMs = tickMs * (this.isFast() ? 1 : RESOURCE_TICKS);
    // Only what is slowed: "jobs every 2 s (instead of 2 s)" was shown while only resources were.
    const reads: string[] = [];
    if (jobsStretch >= 1.5)
      reads.push(`jobs every ${duration(this.plan.jobsPeriodMs)} (instead of ${duration(tickMs)})`);
    if (othersStretch >= 1.5) {
      reads.push(`resources every ${duration(resourcesMs * othersStretch)} (instead of ${duration(resourcesMs)})`);
      // What only the details carry (a waiting job's predicted start, OAR's message) is that old at most.
      reads.push(
        `each job's details every ${duration(this.detailsRefreshMs)} (instead of ${duration(DETAILS_REFRESH_MS)})`,
      );
    }
    const percent = Math.round(this.config.OAR_MAX_LOAD * 100);
    const text = `OAR answers slowly: oar-live reads ${READ_LIST.format(reads)} to keep OAR's API busy with it at most ${percent} % of the time.`;
    this.slowed = { text, jobs: jobsStretch, others: othersStretch };
    return text;
  }

  /**
   * One poll: read OAR, diff against the current snapshot, append the batch (if anything changed).
   * Called by hand (tests, benches) it reads the resources too; the timer decides when they are due.
   */
  async pollOnce(due: ReadsDue = { resources: true }): Promise<Batch | null> {
    await this.incoming?.allAnswered();
    const at = new Date().toISOString();
    const previous = this.state.current();
    let reading: Reading;
    try {
      reading = await this.read(previous, due);
    } catch (err) {
      this.failures += 1;
      this.metrics.oarErrors.inc({ kind: errorKind(err) });
      const { message: error, detail } = explainSourceTrouble(err);
      this.logger.warn(`poll failed (${this.failures} in a row): ${detail}`);
      if (previous.source.status === 'down' && previous.source.error === error && !this.streamLost) return null;
      // The last poll that read OAR, not the last batch: quiet polls make no batch but prove OAR was up.
      const lastOkAt = previous.source.status === 'down' ? previous.source.lastOkAt : (this.lastReadAt ?? previous.at);
      const source: SourceStatus = { status: 'down', error, detail, lastOkAt };
      return this.append([{ type: 'source.status', ...source }], { ...previous, at, source });
    }
    this.failures = 0;
    this.lastReadAt = at;
    reading = { ...reading, ...(await this.annotations.annotate(reading.state, reading.finals)) };
    const slowed = this.slowedNotice();
    // No lastOkAt while OAR answers: it would be stale after the first quiet poll (quiet polls make no
    // batch); `down` carries the time of the last poll that read OAR.
    const source: SourceStatus = reading.problem
      ? { status: 'degraded', ...reading.problem, ...(slowed && { slowed }) }
      : { status: 'up', ...(slowed && { slowed }) };
    const events: LiveEvent[] = [];
    if (
      previous.source.status !== source.status ||
      previous.source.error !== source.error ||
      previous.source.slowed !== source.slowed
    ) {
      events.push({ type: 'source.status', ...source });
    }
    events.push(...(await diffClusterChunked(this.diffBasis.against(previous), reading.state, reading.finals)));
    const batch = await this.append(events, { ...previous, ...reading.state, at, source });
    const current = this.state.current();
    this.diffBasis.remember(reading.state, { changed: events.length > 0, batch, previous, current });
    return batch;
  }

  /**
   * Appends the diff from the state this process holds to `next`, on the history it holds. When
   * that history is gone from Redis (data lost, or gone backwards), writes `next` whole as the
   * start of a new one: subscribers get it as a snapshot.
   */
  private async append(events: LiveEvent[], next: Snapshot): Promise<Batch | null> {
    const { epoch, seq } = this.state.current();
    const leaseToken = this.lease.token;
    try {
      if (events.length === 0 && this.streamLost) throw new StreamLostError({ epoch, seq }, { epoch: '', seq: 0 });
      return await this.log.append(events, next.at, { leaseToken, epoch, seq }, next);
    } catch (err) {
      if (err instanceof StreamLostError) {
        this.streamLost = false;
        const { nodes, jobs, source, at } = next;
        this.state.replace(await this.log.restart({ nodes, jobs, source, at }, seq, leaseToken), err.message);
        return null;
      }
      if (!(err instanceof LeaseLostError)) throw err;
      this.lease.lost();
      this.logger.warn('another process holds the poller lease: batch dropped');
      return null;
    }
  }

  /**
   * Reads OAR with the configured reader, measuring what each part cost OAR for the load budget
   * (the wall time of its requests, which each part sends one after the other).
   */
  private async read(previous: Snapshot, due: ReadsDue): Promise<Reading> {
    const started = Date.now();
    if (this.config.OAR_READER === 'full') {
      const reading = await this.full.read(previous);
      this.costs.jobs = nextMean(this.costs.jobs, Date.now() - started);
      return reading;
    }
    const options = {
      resources: due.resources,
      background: due.background,
      refreshMs: this.detailsRefreshMs,
      // The refreshes are owed per real tick: a budget-slowed tick owes more each.
      tickMs: Math.max(this.nominalTickMs(), this.plan.jobsPeriodMs),
      timeoutMs: this.tickTimeoutMs(),
    };
    const onCost: CostListener = (part, ms) => {
      if (part === 'list') this.firstListMs = ms;
      else if (part === 'jobs')
        this.costs.jobs = nextTickMean(this.costs.jobs, ms, this.costs.jobs || this.firstListMs);
      else this.costs[part] = nextMean(this.costs[part], ms);
    };
    if (due.owed) return this.incremental.readOwed(previous, onCost, options.timeoutMs);
    if (due.check?.reader === this.incremental) {
      this.lastResourcesAt = started;
      const { full, mark } = due.check;
      const { reading, differences } = await this.incremental.finishCheck(previous, full, mark, options, onCost);
      this.metrics.resyncs.inc();
      this.metrics.resyncDifferences.inc(differences);
      if (differences > 0) this.logger.warn(`the full re-read found ${differences} differences; corrected`);
      return reading;
    }
    const reading = await this.incremental.read(previous, options, onCost);
    if (due.resources) this.lastResourcesAt = started;
    return reading;
  }
}
