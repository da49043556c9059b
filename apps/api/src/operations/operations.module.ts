import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ClusterModule } from '../cluster/cluster.module';
import { DEFAULT_REDIS_URL } from '../cluster/redis.provider';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { JobActions } from './job-actions';
import { JobOwnership } from './job-ownership';
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

/** BullMQ connection options from a redis:// URL (BullMQ takes ioredis options, not a URL). */
export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number(parsed.pathname.slice(1) || 0),
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * One OAR mutation at a time across every replica: the worker's concurrency 1 only holds per
 * process, so the queue's global concurrency (kept in Redis) is set to 1 before this process's
 * worker starts taking jobs.
 */
@Injectable()
export class OperationsWorkerStart implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperationsWorkerStart.name);

  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue,
    private readonly processor: OperationsProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    this.processor.worker
      .run()
      .catch((err: unknown) => this.logger.error(`operations worker stopped: ${(err as Error).message}`));
  }
}

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisConnection(config.REDIS_URL ?? DEFAULT_REDIS_URL),
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
      }),
    }),
    // Auto-pipelining: the adds of a burst of requests go out in one write (the worker's own
    // connections, which block, keep the shared options above).
    BullModule.registerQueueAsync({
      name: OPERATIONS_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisConnection(config.REDIS_URL ?? DEFAULT_REDIS_URL), enableAutoPipelining: true },
      }),
    }),
    ClusterModule,
  ],
  controllers: [JobsController, NodesController, OperationsController],
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
