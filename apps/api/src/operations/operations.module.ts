import { BullModule, InjectQueue } from '@nestjs/bullmq';
import {
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { ClusterModule } from '../cluster/cluster.module';
import { settleWithin } from '../common/settle-within';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { bullConnection, redisKeyPrefixes } from '../config/redis-options';
import { JobActions } from './job-actions';
import { JobOwnership } from './job-ownership';
import { JobScriptController } from './job-script.controller';
import { JobsController } from './jobs.controller';
import { NodeActions } from './node-actions';
import { NodesController } from './nodes.controller';
import { OPERATIONS_QUEUE } from './operation-job';
import { OperationAnnouncer } from './operation-announcer';
import { OperationStore } from './operation-store';
import { OperationsController } from './operations.controller';
import { OperationsProcessor } from './operations.processor';
import { OperationsService } from './operations.service';
import { QueueMetrics } from './queue-metrics';
import { RedisGate } from './redis-gate';

/** Longest shutdown waits for the operation in progress (part of the 3 s SIGTERM budget, README). */
const OPERATION_FINISH_MS = 1500;

/**
 * One OAR mutation at a time across every replica: the worker's concurrency 1 only holds per
 * process, so the queue's global concurrency (kept in Redis) is set to 1 before this process's
 * worker starts taking jobs, and again whenever the connection comes back (a Redis restarted
 * without its data forgot it).
 */
@Injectable()
export class OperationsWorkerStart implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OperationsWorkerStart.name);

  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue,
    private readonly processor: OperationsProcessor,
    private readonly store: OperationStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    (await this.queue.client).on('ready', () => {
      this.queue
        .setGlobalConcurrency(1)
        .catch((err: Error) => this.logger.warn(`global concurrency not set again: ${err.message}`));
    });
    this.processor.worker
      .run()
      .catch((err: unknown) => this.logger.error(`operations worker stopped: ${(err as Error).message}`));
  }

  /**
   * Closes the worker before Nest does (its close waits for the current job, then QUITs, and both
   * wait as long as Redis is away). With Redis away the worker is closed at once: the operation in
   * progress could not be recorded anyway, and its queue job resumes on another replica once its
   * lock expires (stalled).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const redisUp = this.store.redis.status === 'ready';
    if (!(await settleWithin(this.processor.worker.close(!redisUp), OPERATION_FINISH_MS)))
      this.logger.warn('the operation in progress did not finish in time; it resumes on the next start');
  }
}

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: bullConnection(config),
        prefix: redisKeyPrefixes(config).bull,
      }),
    }),
    // Auto-pipelining: the adds of a burst of requests go out in one write (the worker's own
    // connections, which block, keep the shared options above).
    BullModule.registerQueueAsync({
      name: OPERATIONS_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { ...bullConnection(config), enableAutoPipelining: true },
      }),
    }),
    ClusterModule,
  ],
  controllers: [JobsController, JobScriptController, NodesController, OperationsController],
  providers: [
    OperationStore,
    OperationAnnouncer,
    OperationsService,
    RedisGate,
    OperationsProcessor,
    OperationsWorkerStart,
    QueueMetrics,
    JobActions,
    NodeActions,
    JobOwnership,
  ],
  exports: [OperationsService],
})
export class OperationsModule {}
