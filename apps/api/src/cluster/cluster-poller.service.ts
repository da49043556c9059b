import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  buildNodes,
  FINAL_JOB_STATES,
  OarClient,
  OarHttpError,
  OarTimeoutError,
  OarUnreachableError,
  TRANSIENT_JOB_STATES,
  type Job,
} from '@oar-live/oar-client';
import type { Batch, LiveEvent, SourceStatus } from '@oar-live/shared';
import { IncomingActions } from '../common/incoming-actions';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MetricsService, type OarErrorKind } from '../metrics/metrics.service';
import { ClusterStateService } from './cluster-state.service';
import { diffClusterChunked, type ClusterState } from './differ';
import { EventLogService, LeaseLostError } from './event-log.service';
import { LeaderLease } from './leader-lease';
import { LiveRedis } from './redis.provider';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Poll interval right after a mutation and while jobs pass through transient states. */
export const FAST_POLL_MS = 500;
/** How long polling stays fast after `pollSoon()`. */
export const FAST_WINDOW_MS = 30_000;
export const MAX_BACKOFF_MS = 30_000;
/** Lease renewal / takeover attempt period; the lease lives 4 × this, so fail-over takes ≤ ~5 s. */
export const LEASE_RENEW_MS = 1000;

function errorKind(err: unknown): OarErrorKind {
  if (err instanceof OarTimeoutError) return 'timeout';
  if (err instanceof OarUnreachableError) return 'unreachable';
  if (err instanceof OarHttpError) return 'http';
  return 'other';
}

/** What one successful read of OAR gives: the new state and the final states of vanished jobs. */
interface Reading {
  state: ClusterState;
  finals: Map<number, Job>;
  /** Set when the lists were read but a vanished job could not be: the source is `degraded`. */
  problem?: string;
}

/**
 * Polls OAR (resources/full + jobs/details, all pages) and appends what changed as one batch.
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

  constructor(
    private readonly oar: OarClient,
    private readonly log: EventLogService,
    private readonly state: ClusterStateService,
    private readonly redis: LiveRedis,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Absent in apps built without CommonModule (the live pipeline's tests): nothing to wait for.
    @Optional() private readonly incoming?: IncomingActions,
  ) {
    this.lease = new LeaderLease(redis.commands, log.keys.lease, 4 * LEASE_RENEW_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshLease();
  }

  /** First shutdown phase, so the last poll finishes while Redis is still connected. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.leaseTimer);
    await this.polling;
    await this.lease.release().catch(() => undefined);
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
        this.schedule(0);
      } else if (leader) {
        await this.checkPollSoon();
      } else if (wasLeader) {
        this.logger.warn('lost the poller lease: relaying only');
        clearTimeout(this.timer);
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
    this.polling = this.pollOnce()
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
    const delay = this.pollAgain ? 0 : this.nextDelay();
    this.pollAgain = false;
    this.schedule(delay);
  }

  private nextDelay(): number {
    if (this.failures > 0) return Math.min(MAX_BACKOFF_MS, this.config.OAR_POLL_MS * 2 ** (this.failures - 1));
    const transient = this.state.current().jobs.some((job) => TRANSIENT_JOB_STATES.includes(job.state as never));
    const fast = transient || Date.now() < this.fastUntil;
    return fast ? Math.min(FAST_POLL_MS, this.config.OAR_POLL_MS) : this.config.OAR_POLL_MS;
  }

  /** One poll: read OAR, diff against the current snapshot, append the batch (if anything changed). */
  async pollOnce(): Promise<Batch | null> {
    await this.incoming?.allAnswered();
    const at = new Date().toISOString();
    const started = process.hrtime.bigint();
    const previous = this.state.current();
    let reading: Reading;
    try {
      reading = await this.read(previous);
    } catch (err) {
      this.failures += 1;
      this.metrics.oarErrors.inc({ kind: errorKind(err) });
      const error = (err as Error).message;
      this.logger.warn(`poll failed (${this.failures} in a row): ${error}`);
      if (previous.source.status === 'down' && previous.source.error === error) return null;
      // The last poll that read OAR, not the last batch: quiet polls make no batch but prove OAR was up.
      const lastOkAt = previous.source.status === 'down' ? previous.source.lastOkAt : (this.lastReadAt ?? previous.at);
      return this.append([{ type: 'source.status', status: 'down', error, lastOkAt }], at);
    } finally {
      this.metrics.pollDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    this.failures = 0;
    this.lastReadAt = at;
    const source: SourceStatus = reading.problem
      ? { status: 'degraded', error: reading.problem, lastOkAt: at }
      : { status: 'up', lastOkAt: at };
    const events: LiveEvent[] = [];
    if (previous.source.status !== source.status || previous.source.error !== source.error) {
      events.push({ type: 'source.status', ...source });
    }
    events.push(...(await diffClusterChunked(previous, reading.state, reading.finals)));
    return this.append(events, at, reading.state);
  }

  private async append(events: LiveEvent[], at: string, state?: ClusterState): Promise<Batch | null> {
    try {
      return await this.log.append(events, at, this.lease.token, state);
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err;
      this.lease.lost();
      this.logger.warn('another process holds the poller lease: batch dropped');
      return null;
    }
  }

  /**
   * Reads both lists, then each job that left the list once more (as `oar`, who may read any job)
   * for its final state. A job whose read fails stays as it was: a failed read never removes.
   */
  private async read(previous: ClusterState): Promise<Reading> {
    const jobs = await this.oar.jobs.details();
    const resources = await this.oar.resources.full();
    const listed = new Set(jobs.map((job) => job.id));
    const finals = new Map<number, Job>();
    let problem: string | undefined;
    for (const gone of previous.jobs.filter((job) => !listed.has(job.id))) {
      try {
        const job = await this.oar.jobs.get(gone.id, { as: 'oar' });
        if (FINAL_JOB_STATES.includes(job.state as never)) finals.set(job.id, job);
        else jobs.push(job);
      } catch (err) {
        if (err instanceof OarHttpError && err.status === 404) {
          finals.set(gone.id, gone);
        } else {
          jobs.push(gone);
          problem = `cannot read the final state of job ${gone.id}: ${(err as Error).message}`;
        }
      }
    }
    jobs.sort((a, b) => a.id - b.id);
    // The last page was parsed in this turn; building 5,000 nodes takes a turn of its own, once
    // the requests that came meanwhile are answered.
    await nextTurn();
    await this.incoming?.allAnswered();
    return { state: { nodes: buildNodes(resources, jobs), jobs }, finals, problem };
  }
}
