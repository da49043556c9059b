import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { OPERATIONS_QUEUE } from './operation-job';

const SAMPLE_EVERY_MS = 5000;
const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Samples the operations queue's job counts into `oar_live_queue_depth` (the same counts on every replica). */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueMetrics.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    try {
      // Asked while Redis is away, the count would wait in the offline queue, and shutdown's QUIT behind it.
      if ((await this.queue.client).status !== 'ready') return;
      const counts = await this.queue.getJobCounts(...STATES);
      for (const state of STATES) this.metrics.queueDepth.set({ state }, counts[state] ?? 0);
    } catch (err) {
      this.logger.warn(`queue depth not sampled: ${(err as Error).message}`);
    }
  }
}
