import { JOB_STATES, OarClient } from '@oar-live/oar-client';
import Redis from 'ioredis';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Operation } from '@oar-live/shared';
import { removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { apiEnv, Client, startApiProcess, type ApiProcess } from './harness';
import { startMutationMeter, type HeldRequest, type MutationMeter } from './mutation-meter';

/**
 * Redis restarted without its data while a worker runs a submit (the chaos campaign's lost submits):
 * the queue job, its intent and the operation record are gone, the worker still holds them in memory.
 * oar-sim (no sandbox) behind a proxy that holds the worker's next OAR call while Redis loses its
 * data; a real redis-server of this file's own.
 */
let sim: OarSim;
let meter: MutationMeter;
let redis: RunningRedis;
let api: ApiProcess;
let client: Client;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 2, coresPerNode: 2, defaultRunSeconds: 2 });
  meter = await startMutationMeter(sim.url);
  redis = await startRedis();
  env = apiEnv('data-loss', { OAR_API_URL: meter.url, REDIS_URL: redis.url });
  api = await startApiProcess(env);
  client = new Client(api.url);
  await client.token('alice');
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await redis?.stop();
  if (redis) removeRedisDir(redis.dir);
  await meter?.close();
  await sim?.stop();
}, 60_000);

const oar = () => new OarClient({ baseUrl: sim.url, auth: 'ident' });
const jobIdsNamed = async (name: string) => [
  ...new Set((await oar().jobs.details({ state: JOB_STATES })).filter((j) => j.name === name).map((j) => j.id)),
];

/** Submits `name` as alice with an Idempotency-Key; the operation's id. */
async function submit(name: string): Promise<string> {
  const res = await client.request('POST', '/api/jobs', {
    as: 'alice',
    headers: { 'Idempotency-Key': name },
    body: { command: 'sleep 2', resources: '/core=1', walltime: '00:01:00', name },
  });
  expect(res.status).toBe(202);
  return (res.body as { operation: Operation }).operation.id;
}

/** Redis restarted without its data, on the same port. */
async function loseRedisData(): Promise<void> {
  await redis.stop();
  removeRedisDir(redis.dir);
  redis = await startRedis({ port: redis.port });
}

/** Once the worker's OAR call is held: Redis loses its data (restarted empty, same port), then the call goes on. */
async function loseRedisDataDuring(held: HeldRequest, operationId: string): Promise<void> {
  await held.arrived;
  await loseRedisData();
  // The API reads the empty Redis: the operation's record is gone.
  await waitFor(async () => (await client.request('GET', `/api/operations/${operationId}`)).status === 404, {
    describe: 'the operation record gone with Redis’s data',
  });
  held.release();
}

describe('a submit running when Redis loses its data', () => {
  it('before the intent is written (a retry looking in OAR): queued again from the worker’s copy, then exactly one OAR job', async () => {
    // The first attempt's submit fails (transient); the retry first asks OAR for its clock: held there.
    meter.refuseNext('POST', '/oarapi/jobs', 503);
    const held = meter.holdNext('GET', '/oarapi/version', 'alice');
    const id = await submit('lost-before-intent');
    await loseRedisDataDuring(held, id);

    const operation = await client.settled(id, 60_000);
    // Before: writing the intent threw (BullMQ: "Missing key for job … updateData"), taken for a
    // permanent failure: the record stayed gone (404) or, when the worker had made it again, ended
    // "failed: something went wrong inside oar-live"; either way OAR had no job (chaos: 4 of 200).
    expect(operation).toMatchObject({ state: 'succeeded', result: { jobId: expect.any(Number) } });
    expect(operation.history?.map((entry) => entry.state)).toContain('queued');
    expect(await jobIdsNamed('lost-before-intent')).toEqual([(operation.result as { jobId: number }).jobId]);
  }, 120_000);

  it('while OAR has the submit: its answer is recorded in a record made again, one OAR job', async () => {
    const held = meter.holdNext('POST', '/oarapi/jobs', 'alice');
    const id = await submit('lost-in-flight');
    await loseRedisDataDuring(held, id);

    // Before: the record stayed gone (404) for ever although OAR made the job.
    const operation = await client.settled(id, 60_000);
    expect(operation).toMatchObject({ state: 'succeeded', result: { jobId: expect.any(Number) } });
    expect(await jobIdsNamed('lost-in-flight')).toEqual([(operation.result as { jobId: number }).jobId]);
  }, 120_000);

  it('the queue’s global concurrency of 1 (one OAR mutation at a time across replicas) is set again', async () => {
    await loseRedisData();
    const reader = new Redis(redis.url);
    try {
      // Before: set once at boot only; the empty Redis had none, and every replica's worker ran at once.
      const concurrency = await waitFor(
        async () => await reader.hget(`${env.REDIS_KEY_PREFIX}bull:oar-operations:meta`, 'concurrency'),
        { describe: 'the global concurrency in the new Redis' },
      );
      expect(concurrency).toBe('1');
    } finally {
      reader.disconnect();
    }
  }, 60_000);
});
