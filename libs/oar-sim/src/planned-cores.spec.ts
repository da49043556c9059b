/**
 * oar-sim does what OAR 2.5.9 does with a Waiting job already placed in the Gantt (recorded in
 * test/fixtures/oar/jobs-details-running-and-waiting-as-alice.json): its cores are listed with
 * `"status": "scheduled"`, a `scheduled_start` in the future, and no job list of a node names it.
 */
import { buildNodes, OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from './sim';

let sim: OarSim;
beforeEach(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 4, coresPerNode: 2, timeFactor: 20 });
});
afterEach(() => sim.stop());

it('a waiting job behind a full-cluster job is planned, not assigned, as in OAR', async () => {
  const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
  const full = await oar.jobs.submit({ command: 'sleep 600', resources: '/nodes=4/core=2' }, { as: 'alice' });
  const waiting = await oar.jobs.submit({ command: 'sleep 1', resources: '/nodes=1/core=1' }, { as: 'bob' });
  let jobs = await oar.jobs.details();
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; jobs = await oar.jobs.details()) {
    const planned = jobs.find((job) => job.id === waiting.id)?.plannedResourceIds;
    if (jobs.find((job) => job.id === full.id)?.state === 'Running' && planned) break;
  }
  const [running, behind] = [full.id, waiting.id].map((id) => jobs.find((job) => job.id === id)!);
  expect(running).toMatchObject({ state: 'Running', resourceIds: [1, 2, 3, 4, 5, 6, 7, 8] });
  expect(behind).toMatchObject({ state: 'Waiting', nodes: [], resourceIds: [], plannedResourceIds: [1] });
  expect(Date.parse(behind.scheduledStart!)).toBeGreaterThan(Date.parse(running.startedAt!));
  const nodes = buildNodes(await oar.resources.full(), jobs);
  expect(nodes.map((node) => [node.jobIds, node.busyCores, node.plannedJobIds])).toEqual([
    [[full.id], 2, [waiting.id]],
    [[full.id], 2, undefined],
    [[full.id], 2, undefined],
    [[full.id], 2, undefined],
  ]);
  expect(await oar.resources.nodeJobIds('node1')).toEqual([full.id]);
});
