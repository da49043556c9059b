import { randomUUID } from 'node:crypto';
import type { Job } from '@oar-live/oar-client';
import { ClusterStateService } from '../../apps/api/src/cluster/cluster-state.service';
import { EventLogService } from '../../apps/api/src/cluster/event-log.service';
import { LiveRedis } from '../../apps/api/src/cluster/redis.provider';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config';
import { MetricsService } from '../../apps/api/src/metrics/metrics.service';

/** A Redis key prefix no other test file (or earlier run) uses. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${randomUUID().slice(0, 8)}:`;
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ REDIS_URL: process.env.REDIS_URL, ...overrides });
}

/** The event log and a process's cluster state, without Nest (one "process" per call), on `redisUrl` or the run's Redis. */
export async function openLog(
  prefix: string,
  redisUrl = process.env.REDIS_URL!,
): Promise<{
  redis: LiveRedis;
  log: EventLogService;
  state: ClusterStateService;
  close(): Promise<void>;
}> {
  const redis = new LiveRedis(testConfig({ REDIS_KEY_PREFIX: prefix, REDIS_URL: redisUrl }));
  const metrics = new MetricsService();
  const log = new EventLogService(redis, metrics);
  const state = new ClusterStateService(log, redis, metrics);
  await state.onModuleInit();
  return {
    redis,
    log,
    state,
    close: async () => {
      await state.onModuleDestroy();
      await redis.onApplicationShutdown();
    },
  };
}

/** A minimal job for batches a test appends itself. */
export function testJob(
  id: number,
  { user = 'alice', state = 'Waiting' }: { user?: string; state?: string } = {},
): Job {
  return {
    id,
    name: null,
    user,
    queue: 'default',
    state,
    command: 'sleep 1',
    submittedAt: '2026-11-25T16:00:00.000Z',
    nodes: [],
    resourceIds: [],
  };
}
