import { startRedis } from './redis-server';
import { ensureOarSandbox } from './oar-sandbox';

/**
 * Real parts for the whole run: a private redis-server on a free loopback port (REDIS_URL for
 * every test) and the OAR sandbox (scripts/oar-sandbox up is idempotent; OAR_SANDBOX_URL).
 */
export default async function globalSetup(): Promise<void> {
  const redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  (globalThis as { __redis?: typeof redis }).__redis = redis;
  process.env.OAR_SANDBOX_URL = await ensureOarSandbox();
}
