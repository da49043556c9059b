import Redis from 'ioredis';
import { OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Batch } from '@oar-live/shared';
import { ClusterPoller } from '../../apps/api/src/cluster/cluster-poller.service';
import { ClusterStateService } from '../../apps/api/src/cluster/cluster-state.service';
import { EventLogService } from '../../apps/api/src/cluster/event-log.service';
import { MetricsService } from '../../apps/api/src/metrics/metrics.service';
import { waitFor } from '../support/wait-for';
import { startApi, Subscriber, type RunningApi } from './api';
import { uniquePrefix } from './support';

/** Several API processes on one Redis, polling oar-sim (which counts the requests it gets). */
let sim: OarSim;
let redis: Redis;
const apis: RunningApi[] = [];
const subscribers: Subscriber[] = [];

const isLeader = (api: RunningApi) => api.app.get(ClusterPoller).isLeader;
async function pollsOf(api: RunningApi): Promise<number> {
  const { values } = await api.app.get(MetricsService).pollDuration.get();
  return values.find((v) => v.metricName === 'oar_live_poll_duration_seconds_count')?.value ?? 0;
}
async function start(prefix: string, pollMs = '200'): Promise<RunningApi> {
  const api = await startApi({ REDIS_KEY_PREFIX: prefix, OAR_API_URL: sim.url, OAR_POLL_MS: pollMs });
  apis.push(api);
  return api;
}
function subscribe(api: RunningApi): Subscriber {
  const sub = new Subscriber(api.url);
  subscribers.push(sub);
  return sub;
}
/** The oar_live_nodes gauge as a replica counts it: [state, nodes] pairs. */
const nodeGauge = async (api: RunningApi) =>
  (await api.app.get(MetricsService).nodes.get()).values.map((v) => [v.labels.state, v.value]);
const removedJobs = (sub: Subscriber) =>
  new Set(sub.batches.flatMap((b) => b.events.flatMap((e) => (e.type === 'job.removed' ? [e.id] : []))));
const after = (batches: Batch[], seq: number) => batches.filter((b) => b.seq > seq);

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 4, coresPerNode: 2 });
  redis = new Redis(process.env.REDIS_URL!);
});
afterEach(async () => {
  for (const sub of subscribers.splice(0)) sub.close();
  for (const api of apis.splice(0)) await api.close();
});
afterAll(async () => {
  await redis.quit();
  await sim.stop();
});

describe('API replicas on one Redis', () => {
  it('poll OAR from one process only and deliver identical batches on both; the other takes over on shutdown', async () => {
    const prefix = uniquePrefix('replicas');
    const [a, b] = [await start(prefix), await start(prefix)];
    await waitFor(() => [a, b].filter(isLeader).length === 1, { describe: 'one leader' });
    const [leader, follower] = isLeader(a) ? [a, b] : [b, a];
    const [subLeader, subFollower] = [subscribe(leader), subscribe(follower)];
    await subLeader.until(() => subLeader.snapshots.length, 'snapshot from the leader');
    await subFollower.until(() => subFollower.snapshots.length, 'snapshot from the follower');
    const from = Math.max(subLeader.snapshots[0].seq, subFollower.snapshots[0].seq);

    const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
    const ids: number[] = [];
    for (const user of ['alice', 'bob']) {
      ids.push((await oar.jobs.submit({ command: 'sleep 1', resources: '/nodes=1/core=1' }, { as: user })).id);
    }
    for (const sub of [subLeader, subFollower]) {
      await sub.until(() => ids.every((id) => removedJobs(sub).has(id)), 'both jobs removed', 60_000);
    }
    const seen = Math.min(subLeader.batches.at(-1)!.seq, subFollower.batches.at(-1)!.seq);
    const window = (sub: Subscriber) => after(sub.batches, from).filter((batch) => batch.seq <= seen);
    expect(window(subLeader).length).toBeGreaterThan(2);
    expect(window(subFollower)).toEqual(window(subLeader));
    // Each replica's gauges count its own copy of the snapshot: the follower's too.
    expect(await nodeGauge(follower)).toEqual([['Alive', 4]]);
    expect(await nodeGauge(follower)).toEqual(await nodeGauge(leader));

    // Every read of the job list the simulator saw is one of the leader's polls (one may be in flight).
    const polls = await pollsOf(leader);
    const requests = sim.requestCount({ method: 'GET', pathPrefix: '/oarapi/jobs.json' });
    expect(await pollsOf(follower)).toBe(0);
    expect(requests - polls).toBeGreaterThanOrEqual(0);
    expect(requests - polls).toBeLessThanOrEqual(1);

    await leader.close();
    apis.splice(apis.indexOf(leader), 1);
    await waitFor(() => isLeader(follower), { describe: 'the follower takes the lease', timeoutMs: 5000 });
    const { id } = await oar.jobs.submit({ command: 'sleep 1', resources: '/nodes=1/core=1' }, { as: 'alice' });
    await subFollower.until(() => removedJobs(subFollower).has(id), 'job after the handover removed', 60_000);
    const seqs = after(subFollower.batches, subFollower.snapshots[0].seq).map((batch) => batch.seq);
    expect(seqs).toEqual(seqs.map((_, i) => subFollower.snapshots[0].seq + 1 + i));
  });

  it('appends nothing for polls that change nothing', async () => {
    const api = await start(uniquePrefix('replicas'));
    await waitFor(async () => (await pollsOf(api)) >= 6, { describe: 'six polls' });
    expect(api.app.get(ClusterStateService).current().seq).toBe(1);
    expect(await redis.get(`${api.app.get(EventLogService).keys.seq}`)).toBe('1');
  });

  it('polls at once and fast when any replica calls pollSoon (after a mutation)', async () => {
    const prefix = uniquePrefix('replicas');
    const [a, b] = [await start(prefix, '60000'), await start(prefix, '60000')];
    await waitFor(() => [a, b].filter(isLeader).length === 1, { describe: 'one leader' });
    const [leader, follower] = isLeader(a) ? [a, b] : [b, a];
    await waitFor(async () => (await pollsOf(leader)) >= 1, { describe: 'first poll' });
    const before = await pollsOf(leader);
    follower.app.get(ClusterPoller).pollSoon();
    await waitFor(async () => (await pollsOf(leader)) >= before + 3, {
      describe: 'three fast polls',
      timeoutMs: 10_000,
    });
  });

  it('takes over from a leader that died without releasing its lease, once the lease expires', async () => {
    const prefix = uniquePrefix('replicas');
    await redis.set(`${prefix}live:leader`, 'a-dead-process', 'PX', 1500);
    const started = Date.now();
    const api = await start(prefix);
    expect(isLeader(api)).toBe(false);
    await waitFor(() => isLeader(api), { describe: 'takeover after expiry', timeoutMs: 5000, intervalMs: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    await waitFor(async () => (await pollsOf(api)) > 0, { describe: 'first poll after takeover' });
  });
});
