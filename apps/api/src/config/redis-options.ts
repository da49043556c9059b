import Redis, { type RedisOptions } from 'ioredis';
import type { AppConfig } from './app-config';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

type RedisConfig = Pick<AppConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>;

/** Every connection oar-live opens, by what it serves (its name in CLIENT LIST is `oar-live:<use>`). */
const CONNECTIONS = {
  /** The live pipeline's commands: a burst of appends and reads goes out in one write. */
  live: { maxRetriesPerRequest: 2, enableAutoPipelining: true },
  /** The XREAD BLOCK relay loop: a blocked connection serves nothing else and waits without limit. */
  relay: { maxRetriesPerRequest: null },
  /** Health checks must answer "down" at once while Redis is away: no offline queue, no retries. */
  health: { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 1000 },
  /** Operation records: concurrent requests' scripts go out in one write. */
  operations: { enableAutoPipelining: true },
} satisfies Record<string, RedisOptions>;

export type RedisConnectionUse = keyof typeof CONNECTIONS;

export function redisUrl(config: Pick<AppConfig, 'REDIS_URL'>): string {
  return config.REDIS_URL ?? DEFAULT_REDIS_URL;
}

export function createRedis(config: Pick<AppConfig, 'REDIS_URL'>, use: RedisConnectionUse): Redis {
  return new Redis(redisUrl(config), { connectionName: `oar-live:${use}`, ...CONNECTIONS[use] });
}

/** Every key oar-live writes starts with REDIS_KEY_PREFIX, then the part of oar-live that owns it. */
export function redisKeyPrefixes(config: RedisConfig) {
  const prefix = config.REDIS_KEY_PREFIX;
  return {
    live: `${prefix}live:`,
    operations: `${prefix}ops:`,
    bull: `${prefix}bull`,
    utilisation: `${prefix}utilisation`,
  };
}

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

/** BullMQ connection options from the redis:// URL (BullMQ takes ioredis options, not a URL). */
export function bullConnection(config: Pick<AppConfig, 'REDIS_URL'>) {
  const parsed = new URL(redisUrl(config));
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number(parsed.pathname.slice(1) || 0),
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}
