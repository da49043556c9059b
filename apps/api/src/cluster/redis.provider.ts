import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The live pipeline's Redis connections: `commands` for ordinary commands and `blocking` for the
 * XREAD BLOCK relay loop (a blocked connection cannot serve anything else).
 */
@Injectable()
export class LiveRedis implements OnApplicationShutdown {
  readonly commands: Redis;
  readonly blocking: Redis;
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
    this.commands = new Redis(url, {
      maxRetriesPerRequest: 2,
      connectionName: 'oar-live:live',
      enableAutoPipelining: true,
    });
    this.blocking = new Redis(url, { maxRetriesPerRequest: null, connectionName: 'oar-live:relay' });
    this.prefix = config.REDIS_KEY_PREFIX;
  }

  key(name: string): string {
    return `${this.prefix}live:${name}`;
  }

  async onApplicationShutdown(): Promise<void> {
    this.blocking.disconnect();
    await this.commands.quit().catch(() => undefined);
  }
}
