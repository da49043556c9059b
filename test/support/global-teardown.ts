import { removeRedisDir, type RunningRedis } from './redis-server';

export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as { __redis?: RunningRedis }).__redis;
  if (redis) {
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}
