import type { Operation } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { allJobs, apiEnv, Client, sandboxApi, sandboxOar, startApiProcess, type ApiProcess } from './harness';
import { startMutationMeter, type MutationMeter } from './mutation-meter';

/** Faults on the real OAR sandbox and a real Redis; every claim is checked by counting jobs in OAR. */
describe('operations under faults', () => {
  const oar = sandboxOar();
  const processes: ApiProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  const start = async (env: Record<string, string>) => {
    const api = await startApiProcess(env);
    processes.push(api);
    return api;
  };
  const jobsNamed = async (name: string) => (await allJobs(oar)).filter((job) => job.name === name);
  const submitBody = (name: string) => ({ command: 'echo done', resources: '/core=1', walltime: '00:01:00', name });

  beforeAll(() => resetOarSandbox(), 60_000);

  afterEach(async () => {
    sandboxApi('start-api');
    for (const api of processes.splice(0)) await api.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  }, 60_000);

  afterAll(() => resetOarSandbox(), 60_000);

  it('retries a submit while OAR’s API is down, and submits exactly one job once it is back', async () => {
    const client = new Client((await start(apiEnv('fault-apache'))).url);
    await client.token('alice');
    sandboxApi('stop-api');
    const res = await client.request('POST', '/api/jobs', { as: 'alice', body: submitBody('apachefault') });
    expect(res.status).toBe(202);
    const id = res.body.operation.id as string;
    const retrying = await waitFor(
      async () => {
        const operation = (await client.request('GET', `/api/operations/${id}`)).body as Operation;
        return operation.state === 'retrying' && operation;
      },
      { describe: 'the submit retrying' },
    );
    expect(retrying.error?.message).toMatch(/unreachable|OAR/);
    sandboxApi('start-api');
    const operation = await client.settled(id, 120_000);
    expect(operation.state).toBe('succeeded');
    expect(operation.attempts).toBeGreaterThanOrEqual(2);
    expect((await jobsNamed('apachefault')).map((job) => job.id)).toEqual([
      (operation.result as { jobId: number }).jobId,
    ]);
  }, 180_000);

  it('loses no queued operation when Redis restarts (AOF, same data directory)', async () => {
    let redis: RunningRedis = await startRedis();
    cleanups.push(async () => {
      await redis.stop();
      removeRedisDir(redis.dir);
    });
    const client = new Client((await start(apiEnv('fault-redis', { REDIS_URL: redis.url }))).url);
    await client.token('alice');
    sandboxApi('stop-api');
    const ids: string[] = [];
    for (const name of ['redisfault1', 'redisfault2', 'redisfault3']) {
      const res = await client.request('POST', '/api/jobs', { as: 'alice', body: submitBody(name) });
      expect(res.status).toBe(202);
      ids.push(res.body.operation.id);
    }
    await redis.stop();
    redis = await startRedis({ dir: redis.dir, port: redis.port });
    sandboxApi('start-api');
    for (const id of ids) expect(await client.settled(id, 150_000)).toMatchObject({ state: 'succeeded' });
    for (const name of ['redisfault1', 'redisfault2', 'redisfault3']) expect(await jobsNamed(name)).toHaveLength(1);
  }, 240_000);

  it('completes a submit after the API process dies mid-operation (sent, no answer), without a duplicate job', async () => {
    const meter: MutationMeter = await startMutationMeter(process.env.OAR_SANDBOX_URL!);
    cleanups.push(() => meter.close());
    const env = apiEnv('fault-crash', { OAR_API_URL: meter.url });
    const first = await start(env);
    const client = new Client(first.url);
    const swallowed = meter.swallowNext('POST', '/oarapi/jobs');
    const res = await client.request('POST', '/api/jobs', { as: 'alice', body: submitBody('crashfault') });
    expect(res.status).toBe(202);
    await swallowed.answered;
    await first.kill();
    expect(await jobsNamed('crashfault')).toHaveLength(1);

    const restarted = new Client((await start(env)).url);
    const operation = await restarted.settled(res.body.operation.id, 120_000);
    expect(operation).toMatchObject({ state: 'succeeded', result: { recoveredFrom: expect.any(String) } });
    const jobs = await jobsNamed('crashfault');
    expect(jobs.map((job) => job.id)).toEqual([(operation.result as { jobId: number }).jobId]);
  }, 180_000);

  it('runs one OAR mutation at a time across two API processes sharing the queue', async () => {
    const meter = await startMutationMeter(process.env.OAR_SANDBOX_URL!);
    cleanups.push(() => meter.close());
    const env = apiEnv('two-workers', { OAR_API_URL: meter.url });
    const clients = [new Client((await start(env)).url), new Client((await start(env)).url)];
    for (const client of clients) await client.token('alice');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        clients[i % 2].request('POST', '/api/jobs', { as: 'alice', body: submitBody(`pair${i}`) }),
      ),
    );
    for (const answer of answers) expect(answer.status).toBe(202);
    for (const answer of answers)
      expect(await clients[0].settled(answer.body.operation.id)).toMatchObject({ state: 'succeeded' });
    expect(meter.mutations()).toBe(8);
    expect(meter.maxInFlight()).toBe(1);
  }, 180_000);
});
