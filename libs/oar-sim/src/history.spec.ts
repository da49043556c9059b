/**
 * History reads from oar-sim: the jobs seeded as a past, and OAR's `from`/`to` window on GET /jobs*,
 * read through the real OAR client.
 */
import { OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from './sim';

let sim: OarSim;
let oar: OarClient;
const FINISHED = ['Terminated', 'Error'] as const;

beforeAll(async () => {
  sim = await startOarSim({ nodes: 4, coresPerNode: 2, finishedJobs: 300, clusters: 2 });
  oar = new OarClient({ baseUrl: sim.url, auth: 'ident', readAs: 'oar' });
});
afterAll(() => sim.stop());

describe('oar-sim history', () => {
  it('seeds finished jobs one every 30 s, the last ending now, every 10th in Error', async () => {
    const jobs = await oar.jobs.table({ state: FINISHED });
    expect(jobs).toHaveLength(300);
    expect(jobs.filter((j) => j.state === 'Error')).toHaveLength(30);
    expect(jobs.find((j) => j.state === 'Error')).toMatchObject({ exitCode: 1 });
    const stops = jobs.map((j) => Date.parse(j.stoppedAt!)).sort((a, b) => a - b);
    expect(stops[1] - stops[0]).toBe(30_000);
    expect(Math.abs(stops.at(-1)! - Date.now())).toBeLessThan(5_000);
  });

  it('lists only the jobs that ended at or after `from` and started before `to`', async () => {
    const all = await oar.jobs.table({ state: FINISHED });
    const from = new Date(Date.parse(all[100].stoppedAt!));
    const to = new Date(Date.parse(all[199].startedAt!) + 1000);
    const inWindow = await oar.jobs.table({ state: FINISHED, from, to });
    const expected = all.filter(
      (j) => Date.parse(j.stoppedAt!) >= from.getTime() && Date.parse(j.startedAt!) < to.getTime(),
    );
    expect(inWindow.map((j) => j.id)).toEqual(expected.map((j) => j.id));
    // Jobs that ended before `from` and those that started after `to` are left out.
    expect(inWindow[0].id).toBe(all[100].id);
    expect(inWindow.length).toBeGreaterThanOrEqual(100);
    expect(inWindow.length).toBeLessThan(200 - 100 + 10);
  });

  it('filters the window by user as OAR does, and pages it', async () => {
    const from = new Date(Date.now() - 3600_000);
    const bob = await oar.jobs.table({ state: FINISHED, from, user: 'bob' }, { limit: 7 });
    expect(bob.length).toBeGreaterThan(7);
    expect(new Set(bob.map((j) => j.user))).toEqual(new Set(['bob']));
  });

  it('gives its nodes the site property `cluster` when asked', async () => {
    const resources = await oar.resources.full();
    expect(resources[0].properties).toEqual({ cluster: 'cluster1' });
    expect(resources.at(-1)!.properties).toEqual({ cluster: 'cluster2' });
  });
});
