import { OarClient, OarNotFoundError } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { VANISHED_JOB_MESSAGE } from '../../apps/api/src/cluster/reading-rules';
import { startApi, Subscriber, type RunningApi } from './api';
import { uniquePrefix } from './support';

/**
 * OAR (oarapi.pl's DELETE /resources/<id>) forgets every job ever assigned to a deleted resource: the
 * job leaves the list and GET /jobs/<id> answers 404. oar-sim does the same, so the case is made on
 * it: on the real sandbox the job would first turn Error when its node went Dead (Leon), and which of
 * the two the poll sees first would depend on timing.
 */
let sim: OarSim;
let api: RunningApi | undefined;
let subscriber: Subscriber | undefined;

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 2, coresPerNode: 1 });
});
afterAll(async () => {
  subscriber?.close();
  await api?.close();
  await sim.stop();
});

describe('a running job whose node is deleted', () => {
  it('leaves with job.removed in a final state: Error, no exit code, a message saying its outcome is unknown', async () => {
    api = await startApi({ REDIS_KEY_PREFIX: uniquePrefix('forgotten'), OAR_API_URL: sim.url, OAR_POLL_MS: '200' });
    subscriber = new Subscriber(api.url);
    const sub = subscriber;
    await sub.until(() => sub.snapshots.length, 'snapshot');
    const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
    const { id } = await oar.jobs.submit({ command: 'sleep 600', resources: '/nodes=1/core=1' }, { as: 'alice' });
    await sub.until(
      () => sub.current().jobs.find((job) => job.id === id && job.state === 'Running'),
      `job ${id} running`,
    );

    for (const resource of await oar.jobs.resources(id, { as: 'oar' })) {
      await oar.resources.setState(resource.id, 'Dead', { as: 'oar' });
      await oar.resources.delete(resource.id, { as: 'oar' });
    }
    await expect(oar.jobs.get(id, { as: 'oar' })).rejects.toBeInstanceOf(OarNotFoundError);

    const removed = await sub.until(
      () => sub.batches.flatMap((b) => b.events).find((e) => e.type === 'job.removed' && e.id === id),
      `job ${id} removed`,
    );
    expect(removed).toMatchObject({
      type: 'job.removed',
      job: { id, user: 'alice', state: 'Error', exitCode: null, message: VANISHED_JOB_MESSAGE },
    });
    expect(sub.current().jobs.some((job) => job.id === id)).toBe(false);
  });
});
