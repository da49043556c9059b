import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { createRedis } from '../config/redis-options';

/**
 * A connection of its own for health checks: it must answer "down" at once while Redis is away,
 * so no offline queue and no retries (the pipeline's connections wait and retry instead).
 */
@Injectable()
export class RedisPing implements OnApplicationShutdown {
  private readonly redis: Redis;
  private lastError: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedis(config, 'health');
    // Kept for ping() to report; without a listener ioredis would also print every failed reconnect.
    this.redis.on('error', (err: Error) => (this.lastError = err.message));
  }

  /** Resolves when Redis answers PING within `timeoutMs`, rejects with the reason otherwise. */
  async ping(timeoutMs: number): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`not connected (${this.lastError ?? this.redis.status})`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.redis.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
