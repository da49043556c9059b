import { OarClient, JOB_STATES } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { apiEnv, Client, startApiProcess, type ApiProcess } from './harness';
import { startMutationMeter, type MutationMeter } from './mutation-meter';

/** Mutations while Redis is down, on oar-sim (no sandbox) and a real redis-server of this file's own. */
let sim: OarSim;
let meter: MutationMeter;
let redis: RunningRedis;
let api: ApiProcess;

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 2, coresPerNode: 2 });
  meter = await startMutationMeter(sim.url);
  redis = await startRedis();
  api = await startApiProcess(apiEnv('fail-fast', { OAR_API_URL: meter.url, REDIS_URL: redis.url }));
}, 120_000);
afterAll(async () => {
  await api.stop();
  await redis.stop();
  removeRedisDir(redis.dir);
  await meter.close();
  await sim.stop();
}, 60_000);

describe('a mutation while Redis is down', () => {
  it('answers 503 with Retry-After at once and queues nothing; reads still work; the same key later runs it once', async () => {
    const client = new Client(api.url);
    await client.token('alice');
    const body = { command: 'sleep 5', resources: '/core=1', walltime: '00:01:00', name: 'failfast' };
    const headers = { 'Idempotency-Key': 'fail-fast-1' };
    await redis.stop();

    const refused = await fetch(`${api.url}/api/jobs`, {
      method: 'POST',
      headers: {
        ...headers,
        authorization: `Bearer ${await client.token('alice')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      // The contract: an answer within 2 s, not the 8–15 s of a request waiting for Redis.
      signal: AbortSignal.timeout(2000),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { message: string }).message).toMatch(/same Idempotency-Key/);
    const cluster = await fetch(`${api.url}/api/cluster`, { signal: AbortSignal.timeout(2000) });
    expect(cluster.status).toBe(200);

    redis = await startRedis({ dir: redis.dir, port: redis.port });
    // Nothing was queued: once Redis is back, no operation exists and OAR saw no mutation.
    const listed = await waitFor(async () => {
      const res = await client.request('GET', '/api/operations?limit=10', { as: 'alice' });
      return res.status === 200 && (res.body as { operations: unknown[] }).operations;
    });
    expect(listed).toEqual([]);
    expect(meter.mutations()).toBe(0);

    const accepted = await waitFor(async () => {
      const res = await client.request('POST', '/api/jobs', { as: 'alice', body, headers });
      return res.status === 202 && res.body.operation.id;
    });
    expect(await client.settled(accepted)).toMatchObject({ state: 'succeeded' });
    const again = await client.request('POST', '/api/jobs', { as: 'alice', body, headers });
    expect(again.body.operation.id).toBe(accepted);
    const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
    const jobs = (await oar.jobs.details({ state: JOB_STATES })).filter((job) => job.name?.startsWith('failfast'));
    expect(jobs).toHaveLength(1);
    expect(meter.mutations()).toBe(1);
  }, 120_000);
});
