import type { LiveEvent } from '@oar-live/shared';
import Redis from 'ioredis';
import { MAX_REPLAY_BATCHES } from '../../apps/api/src/cluster/event-log.service';
import { removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { startFeedApi, Subscriber, type RunningApi } from './api';
import { openLog, testJob, uniquePrefix } from './support';

/** Resuming subscribers when Redis is away or the replay would be long: a real redis-server of this file's own. */
let redis: RunningRedis;
let client: Redis;
let api: RunningApi | undefined;
const subscribers: Subscriber[] = [];
const added = (id: number): LiveEvent => ({ type: 'job.added', job: testJob(id) });

beforeEach(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterEach(async () => {
  for (const sub of subscribers.splice(0)) sub.close();
  await api?.close();
  client.disconnect();
  await redis.stop();
  removeRedisDir(redis.dir);
});

/** Writes `count` batches from another "process" (so the API under test holds none in memory). */
async function writeBatches(prefix: string, count: number): Promise<string> {
  const writer = await openLog(prefix, redis.url);
  let epoch = '';
  for (let id = 1; id <= count; id++) epoch = (await writer.log.append([added(id)]))!.epoch;
  await writer.close();
  return epoch;
}

describe('resuming subscribers', () => {
  it('answers a resume that needs Redis while Redis is down with the snapshot in memory, and keeps serving', async () => {
    const prefix = uniquePrefix('resume-down');
    const epoch = await writeBatches(prefix, 6);
    api = await startFeedApi(client, prefix, { REDIS_URL: redis.url });
    await redis.stop();
    const sub = new Subscriber(api.url, { since: 2, epoch });
    subscribers.push(sub);
    const [snapshot] = await sub.until(() => sub.snapshots.length && sub.snapshots, 'a snapshot');
    expect(snapshot).toMatchObject({ epoch, seq: 6 });
    expect(snapshot.jobs.map((job) => job.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const cluster = await fetch(`${api.url}/api/cluster`);
    expect([cluster.status, ((await cluster.json()) as { seq: number }).seq]).toEqual([200, 6]);
    redis = await startRedis({ dir: redis.dir, port: redis.port });
  });

  it('sends a snapshot, not a replay, to a subscriber further behind than MAX_REPLAY_BATCHES', async () => {
    const prefix = uniquePrefix('resume-far');
    const count = MAX_REPLAY_BATCHES + 20;
    const epoch = await writeBatches(prefix, count);
    api = await startFeedApi(client, prefix, { REDIS_URL: redis.url });
    const far = new Subscriber(api.url, { since: 5, epoch });
    const near = new Subscriber(api.url, { since: count - 3, epoch });
    subscribers.push(far, near);
    await far.until(() => far.snapshots.length || far.batches.length, 'the first message');
    expect([far.snapshots.length, far.batches.length]).toEqual([1, 0]);
    await near.until(() => near.batches.length === 3, 'three batches');
    expect(near.snapshots).toEqual([]);
  });

  it('decides from the first entry after since before reading any other batch', async () => {
    const prefix = uniquePrefix('resume-first');
    const p = await openLog(prefix, redis.url);
    try {
      const { epoch } = (await p.log.append([added(1)]))!;
      for (let id = 2; id <= 40; id++) await p.log.append([added(id)]);
      p.log.retentionMs = -1;
      await p.log.append([added(41)]);
      const reads = jest.spyOn(p.redis.commands, 'xrange');
      expect(await p.log.readSince(3, epoch)).toBeNull();
      expect(reads).not.toHaveBeenCalled();
      expect(await p.log.readSince(40, epoch)).toHaveLength(1);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      await p.close();
    }
  });
});
