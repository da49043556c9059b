import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** How long a graceful QUIT may take at shutdown before the connection is dropped. */
const QUIT_MS = 500;

/**
 * Closes a connection at shutdown without waiting for Redis to come back: QUIT (so replies in
 * flight arrive) only while connected and only for QUIT_MS; a QUIT sent while reconnecting would
 * wait in the offline queue until Redis returns.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_MS)));
    await Promise.race([redis.quit().catch(() => undefined), late]);
    clearTimeout(timer);
  }
  redis.disconnect();
}

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
    await closeRedis(this.commands);
  }
}
