import { startOarSim } from '@oar-live/oar-sim';
import { startOarProxy } from '../support/oar-proxy';
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

  it("on a network that drops packets, says down after a few times what a tick costs, not after the client's 15 s", async () => {
    // The real OAR behind a proxy that can stop forwarding without closing anything (no reset).
    const proxy = await startOarProxy(new URL(process.env.OAR_SANDBOX_URL!));
    const api = await startApi({
      REDIS_KEY_PREFIX: uniquePrefix('blackhole'),
      OAR_API_URL: proxy.url,
      OAR_POLL_MS: '200',
    });
    const sub = new Subscriber(api.url);
    try {
      await sub.until(() => sub.batches.some((b) => b.events.some((e) => e.type === 'node.added')), 'the first poll');
      proxy.blackhole(true);
      const down = await sub.until(
        () =>
          sub.batches.flatMap((b) => b.events).find((e) => e.type === 'source.status' && e.status === 'down') as
            { error: string; detail: string } | undefined,
        'source down',
      );
      expect(down.error).toBe('OAR did not answer in time: the cluster shown is as last read.');
      // A tick on this OAR costs tens of ms: its requests give up at the floor, 5 s.
      expect(down.detail).toMatch(/^OAR did not answer GET \/oarapi\/jobs\.json\S* within 5000 ms$/);
    } finally {
      sub.close();
      await api.close();
      await proxy.close();
    }
  });
});
