import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Job } from '@oar-live/oar-client';
import { jobIdOf, predictionAccuracy, type Batch, type PredictionAccuracy } from '@oar-live/shared';
import type { Subscription } from 'rxjs';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { LiveRedis } from '../cluster/redis.provider';

/** Jobs kept (the oldest predictions go first): 10,000 × two small hash fields is well under a megabyte. */
export const PREDICTIONS_KEPT = 10_000;

/**
 * Records, in Redis, each job's first predicted start seen while it waited and its real start, so the
 * error distribution survives restarts and is the same on every replica (each writes with HSETNX:
 * the first value wins, whoever writes it). Bounded by a sorted set of when each prediction was seen.
 */
@Injectable()
export class PredictionRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PredictionRecorder.name);
  /** Jobs with a recorded prediction and no recorded start: the ones whose start is still to write. */
  private readonly awaitingStart = new Set<number>();
  private subscription?: Subscription;
  private writes = Promise.resolve();

  constructor(
    private readonly state: ClusterStateService,
    private readonly redis: LiveRedis,
  ) {}

  async onModuleInit(): Promise<void> {
    const [predicted, started] = await Promise.all([
      this.redis.commands.hkeys(this.key('first')),
      this.redis.commands.hkeys(this.key('start')),
    ]);
    const done = new Set(started);
    for (const id of predicted) if (!done.has(id)) this.awaitingStart.add(Number(id));
    this.subscription = this.state.batches$.subscribe((batch) => {
      this.writes = this.writes
        .then(() => this.record(batch))
        .catch((err: Error) => {
          this.logger.warn(`recording predictions: ${err.message}`);
        });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Resolves once every batch seen so far is written (tests wait on it instead of sleeping). */
  settled(): Promise<void> {
    return this.writes;
  }

  async accuracy(): Promise<PredictionAccuracy> {
    const [first, start] = await Promise.all([
      this.redis.commands.hgetall(this.key('first')),
      this.redis.commands.hgetall(this.key('start')),
    ]);
    const errors = Object.entries(start)
      .filter(([id]) => first[id] !== undefined)
      .map(([id, at]) => Math.round((Number(at) - Number(first[id])) / 1000));
    return predictionAccuracy(errors, Object.keys(first).length - errors.length);
  }

  private async record(batch: Batch): Promise<void> {
    const current = new Map(this.state.current().jobs.map((job) => [job.id, job]));
    const pipeline = this.redis.commands.pipeline();
    let added = 0;
    for (const event of batch.events) {
      if (event.type !== 'job.added' && event.type !== 'job.changed' && event.type !== 'job.removed') continue;
      const job: Job | undefined = event.type === 'job.removed' ? event.job : current.get(jobIdOf(event));
      if (!job) continue;
      if (job.state === 'Waiting' && job.scheduledStart && !job.reservation && !this.awaitingStart.has(job.id)) {
        pipeline.hsetnx(this.key('first'), String(job.id), String(Date.parse(job.scheduledStart)));
        pipeline.zadd(this.key('order'), 'NX', Date.parse(batch.at), String(job.id));
        this.awaitingStart.add(job.id);
        added += 1;
      } else if (job.startedAt && this.awaitingStart.has(job.id)) {
        pipeline.hsetnx(this.key('start'), String(job.id), String(Date.parse(job.startedAt)));
        this.awaitingStart.delete(job.id);
      } else if (event.type === 'job.removed') {
        // Deleted before it ever started: no start to compare with.
        if (this.awaitingStart.delete(job.id)) this.forget(pipeline, [String(job.id)]);
      }
    }
    if (pipeline.length === 0) return;
    await pipeline.exec();
    if (added > 0) await this.trim();
  }

  private async trim(): Promise<void> {
    const excess = (await this.redis.commands.zcard(this.key('order'))) - PREDICTIONS_KEPT;
    if (excess <= 0) return;
    const oldest = await this.redis.commands.zpopmin(this.key('order'), excess);
    const ids = oldest.filter((_, i) => i % 2 === 0);
    const pipeline = this.redis.commands.pipeline();
    this.forget(pipeline, ids);
    await pipeline.exec();
    for (const id of ids) this.awaitingStart.delete(Number(id));
  }

  private forget(pipeline: ReturnType<LiveRedis['commands']['pipeline']>, ids: string[]): void {
    pipeline.hdel(this.key('first'), ...ids);
    pipeline.hdel(this.key('start'), ...ids);
    pipeline.zrem(this.key('order'), ...ids);
  }

  private key(name: 'first' | 'start' | 'order'): string {
    return this.redis.key(`predictions:${name}`);
  }
}
