import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { closeRedis, createRedis, redisKeyPrefixes } from '../config/redis-options';

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
    this.commands = createRedis(config, 'live');
    this.blocking = createRedis(config, 'relay');
    this.prefix = redisKeyPrefixes(config).live;
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  async onApplicationShutdown(): Promise<void> {
    this.blocking.disconnect();
    await closeRedis(this.commands);
  }
}
