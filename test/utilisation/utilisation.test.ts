import { randomUUID } from 'node:crypto';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Snapshot } from '@oar-live/shared';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { LiveRedis } from '../../apps/api/src/cluster/redis.provider';
import type { ClusterStateService } from '../../apps/api/src/cluster/cluster-state.service';
import { UtilisationRecorder } from '../../apps/api/src/utilisation/utilisation-recorder';
import { UtilisationStore } from '../../apps/api/src/utilisation/utilisation-store';
import { apiEnv, Client, startApiProcess, type ApiProcess } from '../actions/harness';
import { makeSnapshot } from '../support/live-fixtures';

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0);

/** The utilisation recorder and its store against a real Redis, and the endpoint of the real API. */
describe('utilisation over time', () => {
  const redisFor = (prefix: string, days = '30') => {
    const config = loadConfig({
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      OAR_LIVE_UTILISATION_DAYS: days,
    });
    const redis = new LiveRedis(config);
    return { redis, store: new UtilisationStore(redis, config) };
  };
  const opened: LiveRedis[] = [];
  const open = (prefix: string, days?: string) => {
    const made = redisFor(prefix, days);
    opened.push(made.redis);
    return made.store;
  };
  afterAll(() => Promise.all(opened.map((redis) => redis.onApplicationShutdown())));

  const sample = (at: number, coresBusy = 1) => ({
    at,
    coresBusy,
    coresFree: 2,
    coresUnavailable: 3,
    jobsRunning: 4,
    jobsWaiting: 5,
  });

  it('keeps one sample per minute across replicas, and reads a window back oldest first', async () => {
    const prefix = `test:utilisation:${randomUUID().slice(0, 8)}:`;
    const [replicaA, replicaB] = [open(prefix), open(prefix)];
    expect(await replicaA.record(sample(T0))).toBe(true);
    expect(await replicaB.record(sample(T0, 99))).toBe(false);
    expect(await replicaB.record(sample(T0 + MINUTE, 2))).toBe(true);
    expect(await replicaA.record(sample(T0 + 2 * MINUTE, 3))).toBe(true);
    expect(await replicaA.range(T0, T0 + MINUTE)).toEqual([sample(T0), sample(T0 + MINUTE, 2)]);
    expect((await replicaB.range(T0 + MINUTE, T0 + DAY)).map((s) => s.coresBusy)).toEqual([2, 3]);
  });

  it('forgets samples older than OAR_LIVE_UTILISATION_DAYS as new ones arrive', async () => {
    const store = open(`test:utilisation:${randomUUID().slice(0, 8)}:`, '1');
    await store.record(sample(T0));
    await store.record(sample(T0 + 10 * MINUTE));
    await store.record(sample(T0 + DAY + 5 * MINUTE));
    expect((await store.range(0, T0 + 2 * DAY)).map((s) => s.at)).toEqual([T0 + 10 * MINUTE, T0 + DAY + 5 * MINUTE]);
  });

  it('records the cluster as this process sees it, and nothing before the first snapshot', async () => {
    const store = open(`test:utilisation:${randomUUID().slice(0, 8)}:`);
    let snapshot = { epoch: '', seq: 0, nodes: [], jobs: [] } as unknown as Snapshot;
    const state = { current: () => snapshot } as unknown as ClusterStateService;
    const recorder = new UtilisationRecorder(state, store);
    expect(await recorder.recordNow(T0)).toBe(false);
    snapshot = makeSnapshot(6, 4); // nodes 3 and 6 run a job on all 4 cores
    expect(await recorder.recordNow(T0 + MINUTE + 1234)).toBe(true);
    expect(await store.range(0, T0 + DAY)).toEqual([
      { at: T0 + MINUTE, coresBusy: 8, coresFree: 16, coresUnavailable: 0, jobsRunning: 2, jobsWaiting: 0 },
    ]);
  });

  describe('GET /api/utilisation', () => {
    let sim: OarSim;
    let api: ApiProcess;
    let client: Client;
    const prefix = `test:utilisation-api:${randomUUID().slice(0, 8)}:`;

    beforeAll(async () => {
      sim = await startOarSim({ host: '127.0.0.1', port: 0 });
      api = await startApiProcess(apiEnv('utilisation', { OAR_API_URL: sim.url, REDIS_KEY_PREFIX: prefix }));
      client = new Client(api.url);
    }, 120_000);
    afterAll(async () => {
      await api?.stop();
      await sim?.stop();
    });

    it('serves the samples of the last hours as columns', async () => {
      const now = Date.now();
      const minute = now - (now % MINUTE);
      const store = open(prefix);
      await store.record(sample(minute - 3 * 3_600_000, 7)); // outside a 2-hour window
      await store.record(sample(minute - 90 * MINUTE, 8));
      const res = await client.request('GET', '/api/utilisation?hours=2');
      expect(res.status).toBe(200);
      const body = res.body as { at: number[]; coresBusy: number[]; jobsWaiting: number[]; periodSeconds: number };
      expect(body.periodSeconds).toBe(60);
      // The recorder may have added this minute's sample from the simulator's cluster.
      expect(body.at[0]).toBe((minute - 90 * MINUTE) / 1000);
      expect(body.coresBusy[0]).toBe(8);
      expect(body.jobsWaiting[0]).toBe(5);
      expect(body.at.length).toBe(body.coresBusy.length);
    });

    it('answers 400 naming the parameter for a window it cannot serve', async () => {
      const res = await client.request('GET', '/api/utilisation?hours=0');
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toMatch(/hours/);
    });
  });
});
