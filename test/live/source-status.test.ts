import { startOarSim } from '@oar-live/oar-sim';
import { waitFor } from '../support/wait-for';
import { startApi, Subscriber } from './api';
import { uniquePrefix } from './support';

describe('source.status down', () => {
  it('gives as lastOkAt the last poll that read OAR, even when that poll changed nothing', async () => {
    const sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 2, coresPerNode: 1 });
    const api = await startApi({ REDIS_KEY_PREFIX: uniquePrefix('source'), OAR_API_URL: sim.url, OAR_POLL_MS: '200' });
    const sub = new Subscriber(api.url);
    try {
      await sub.until(() => sub.snapshots[0], 'snapshot');
      await sub.until(() => sub.batches.some((b) => b.events.some((e) => e.type === 'node.added')), 'the first poll');
      const lastBatch = sub.batches.at(-1)!;
      // Quiet polls (no batch) after the snapshot: OAR answered, so it was up then.
      const reads = sim.requestCount({ pathPrefix: '/oarapi/resources' });
      await waitFor(() => sim.requestCount({ pathPrefix: '/oarapi/resources' }) >= reads + 3, {
        describe: 'three quiet polls',
      });
      const beforeStop = new Date().toISOString();
      expect(sub.batches.at(-1)).toBe(lastBatch);
      // While up, the snapshot makes no claim about a time that quiet polls would leave behind.
      expect(sub.current().source).toEqual({ status: 'up' });
      await sim.stop();
      const down = await sub.until(
        () =>
          sub.batches.flatMap((b) => b.events).find((e) => e.type === 'source.status' && e.status === 'down') as
            { lastOkAt?: string } | undefined,
        'source down',
      );
      expect(down.lastOkAt! > lastBatch.at).toBe(true);
      expect(down.lastOkAt! <= beforeStop).toBe(true);
    } finally {
      sub.close();
      await api.close();
    }
  });
});
