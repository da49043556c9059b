import Redis from 'ioredis';
import type { Batch, Operation } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { Subscriber } from '../live/api';
import { apiEnv, Client, jobInState, sandboxOar, startApiProcess, type ApiProcess } from './harness';
import { startMutationMeter, type MutationMeter } from './mutation-meter';

const MB = 1024 * 1024;

/** Total bytes of the stream entries after `afterId` (ids and field values as Redis stores them). */
async function streamBytesAfter(redis: Redis, key: string, afterId: string): Promise<number> {
  const entries = await redis.xrange(key, `(${afterId}`, '+');
  return entries.reduce(
    (sum, [id, fields]) => sum + id.length + fields.reduce((n, field) => n + Buffer.byteLength(field), 0),
    0,
  );
}

/**
 * Bulk job actions on the real OAR sandbox (issue 14 defect 7, issue 15 item 2): a target that cannot
 * succeed is refused in its own result without any OAR call while the others go ahead, and a
 * 1,000-id request costs a bounded number of OAR reads, stream bytes and subscriber bytes.
 */
describe('bulk job actions', () => {
  const oar = sandboxOar();
  let meter: MutationMeter;
  let api: ApiProcess;
  let client: Client;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    resetOarSandbox();
    meter = await startMutationMeter(process.env.OAR_SANDBOX_URL!);
    const env = apiEnv('bulk', { OAR_API_URL: meter.url });
    prefix = env.REDIS_KEY_PREFIX;
    api = await startApiProcess(env);
    client = new Client(api.url);
    redis = new Redis(process.env.REDIS_URL!);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await meter?.close();
    redis?.disconnect();
    resetOarSandbox();
  }, 60_000);

  async function submit(as: 'alice' | 'bob', body: object): Promise<number> {
    const res = await client.request('POST', '/api/jobs', { as, body });
    const operation = await client.settled(res.body.operation.id);
    expect(operation.state).toBe('succeeded');
    return (operation.result as { jobId: number }).jobId;
  }

  it('refuses per target with a plain reason and no OAR call, and acts on the others', async () => {
    const running = await submit('alice', { command: 'sleep 300', resources: '/nodes=4/core=2', walltime: '00:10:00' });
    await jobInState(oar, running, 'alice', ['Running']);
    const waiting = await submit('alice', { command: 'true', resources: '/core=1', walltime: '00:01:00' });
    const bobs = await submit('bob', { command: 'true', resources: '/core=1', walltime: '00:01:00' });
    await jobInState(oar, waiting, 'alice', ['Waiting']);
    const mutationsBefore = meter.mutations();

    const res = await client.request('POST', '/api/jobs/actions', {
      as: 'alice',
      body: { action: 'hold', ids: [running, waiting, bobs, 99999] },
    });
    expect(res.status).toBe(202);
    const operation = await client.settled(res.body.operation.id);
    expect(operation.results).toEqual([
      {
        target: String(running),
        ok: false,
        error: { status: 409, message: `Job ${running} is Running; only a Waiting job can be held.` },
      },
      { target: String(waiting), ok: true, result: expect.any(Object) },
      {
        target: String(bobs),
        ok: false,
        error: { status: 403, message: `Job ${bobs} belongs to bob; only its owner or an admin may act on it.` },
      },
      { target: '99999', ok: false, error: { status: 404, message: 'There is no job 99999.' } },
    ]);
    expect(operation.progress).toEqual({ total: 4, done: 4, failed: 3 });
    // One OAR mutation: the hold of the Waiting job. The refused targets never reached OAR.
    expect(meter.mutations() - mutationsBefore).toBe(1);
    await jobInState(oar, waiting, 'alice', ['Hold']);
  }, 180_000);

  it('a 1,000-id request: bounded OAR reads, stream growth and subscriber traffic under 1 MB', async () => {
    const own = await Promise.all(
      [1, 2, 3].map(() => submit('alice', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' })),
    );
    const theirs = await submit('bob', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' });
    const unknown = Array.from({ length: 1000 - own.length - 1 }, (_, i) => 500_000 + i);
    const ids = [...own, theirs, ...unknown];

    const subscriber = new Subscriber(api.url);
    await subscriber.until(() => subscriber.snapshots.length > 0, 'the snapshot');
    let received = 0;
    subscriber.socket.io.engine.on('packet', (packet: { data?: unknown }) => {
      const { data } = packet;
      received +=
        typeof data === 'string' ? Buffer.byteLength(data) : ((data as ArrayBuffer | undefined)?.byteLength ?? 0);
    });
    const streamKey = `${prefix}live:batches`;
    const lastId = (await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    const lookupsBefore = meter.requests('GET', /\/jobs\/details[^?]*\?.*ids=/, 'alice');
    const mutationsBefore = meter.mutations();

    const body = { action: 'cancel', ids };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(6000);
    const res = await client.request('POST', '/api/jobs/actions', { as: 'alice', body });
    expect(res.status).toBe(202);
    const id = res.body.operation.id as string;
    const settled = await client.settled(id, 120_000);
    expect(settled.progress).toEqual({ total: 1000, done: 1000, failed: 997 });
    expect(settled.results!.filter((result) => result.ok).map((result) => Number(result.target))).toEqual(own);
    await subscriber.until(
      () =>
        subscriber.batches.some((batch: Batch) =>
          batch.events.some(
            (event) =>
              event.type === 'operation.updated' &&
              event.operation.id === id &&
              (event.operation as Operation).state === 'failed',
          ),
        ),
      'the operation settled on the live stream',
    );

    const streamGrowth = await streamBytesAfter(redis, streamKey, lastId);
    const lookups = meter.requests('GET', /\/jobs\/details[^?]*\?.*ids=/, 'alice') - lookupsBefore;
    process.stdout.write(
      `bulk 1000 ids: stream +${streamGrowth} B, subscriber ${received} B, ${lookups} OAR lookups, ${meter.mutations() - mutationsBefore} OAR mutations\n`,
    );
    expect(streamGrowth).toBeLessThan(MB);
    expect(received).toBeLessThan(MB);
    // Unknown ids are looked up in batches (jobs/details?ids=, as the user), not one request each; the
    // poller's own detail reads (as oar) are not counted.
    expect(lookups).toBeLessThanOrEqual(5);
    expect(meter.mutations() - mutationsBefore).toBe(own.length);
    subscriber.socket.close();
  }, 240_000);
});
