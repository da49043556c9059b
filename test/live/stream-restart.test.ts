import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Snapshot } from '@oar-live/shared';
import { ClusterPoller } from '../../apps/api/src/cluster/cluster-poller.service';
import { removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { startApi, Subscriber, type RunningApi } from './api';
import { uniquePrefix } from './support';

/**
 * Redis loses its data under two replicas polling oar-sim: a real redis-server restarted on an empty
 * directory (the same port), as a crash without persistence or a wiped volume does.
 */
let sim: OarSim;
let redis: RunningRedis;
const apis: RunningApi[] = [];
const subscribers: Subscriber[] = [];

async function cluster(api: RunningApi): Promise<Snapshot> {
  return (await (await fetch(`${api.url}/api/cluster`)).json()) as Snapshot;
}
async function health(
  api: RunningApi,
): Promise<{ stream: { epoch: string; restarted?: { from: { epoch: string } } } }> {
  return (await (await fetch(`${api.url}/api/health`)).json()) as never;
}

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 4, coresPerNode: 2 });
  redis = await startRedis();
});
afterAll(async () => {
  for (const sub of subscribers) sub.close();
  for (const api of apis) await api.close();
  await redis.stop();
  removeRedisDir(redis.dir);
  await sim.stop();
});

describe('the event stream after Redis lost its data', () => {
  it('restarts from a new snapshot in a new epoch; clients, /api/cluster and /api/health follow', async () => {
    const prefix = uniquePrefix('stream-restart');
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, OAR_API_URL: sim.url, OAR_POLL_MS: '200' };
    const [a, b] = [await startApi(env), await startApi(env)];
    apis.push(a, b);
    const leader = await waitFor(() => [a, b].find((api) => api.app.get(ClusterPoller).isLeader), {
      describe: 'a leader',
    });
    const follower = leader === a ? b : a;
    const [onLeader, onFollower] = [new Subscriber(leader.url), new Subscriber(follower.url)];
    subscribers.push(onLeader, onFollower);
    const before = await waitFor(async () => {
      const snapshot = await cluster(follower);
      return snapshot.nodes.length === 4 && snapshot.seq > 0 && snapshot;
    });
    await onFollower.until(() => onFollower.snapshots.length > 0, 'a first snapshot');

    await redis.stop();
    removeRedisDir(redis.dir);
    redis = await startRedis({ port: redis.port });

    // Both replicas move to one new history holding the whole cluster, though OAR changed nothing.
    const after = await waitFor(
      async () => {
        const [x, y] = [await cluster(leader), await cluster(follower)];
        const moved = x.epoch !== before.epoch && x.epoch === y.epoch && x.seq === y.seq;
        return moved && x;
      },
      { describe: 'both replicas in a new epoch with the whole cluster' },
    );
    expect(after.seq).toBeGreaterThan(before.seq);
    expect([after.nodes, after.jobs]).toEqual([before.nodes, before.jobs]);
    for (const [sub, api] of [
      [onLeader, leader],
      [onFollower, follower],
    ] as const) {
      await sub.until(() => sub.current().epoch === after.epoch, 'the new epoch');
      expect(sub.current()).toEqual(await cluster(api));
    }
    for (const api of [leader, follower]) {
      expect((await health(api)).stream).toMatchObject({
        epoch: after.epoch,
        restarted: { from: { epoch: before.epoch } },
      });
    }
    const metrics = await (await fetch(`${leader.url}/api/metrics`)).text();
    expect(metrics).toMatch(/^oar_live_stream_restarts_total 1$/m);

    // A client resuming in the old history gets a snapshot of the new one, never its batches.
    const old = new Subscriber(follower.url, { since: before.seq, epoch: before.epoch });
    subscribers.push(old);
    await old.until(() => old.snapshots.length > 0 || old.batches.length > 0, 'the first message');
    expect(old.batches.filter((batch) => batch.epoch === after.epoch && batch.seq <= after.seq)).toEqual([]);
    expect(old.snapshots[0].epoch).toBe(after.epoch);
  });
});
