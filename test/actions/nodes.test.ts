import type { Node } from '@oar-live/oar-client';
import { Subscriber } from '../live/api';
import { waitFor } from '../support/wait-for';
import { jobInState, sandboxOar, useApiOnSandbox } from './harness';

/**
 * Node actions on the real OAR sandbox. Nodes created here are this host, reached on the sandbox's
 * loopback node sshd like node1..node4 (scripts/oar-sandbox): OAR's node check finds them up, so
 * their states are the ones set here, as on a cluster whose new nodes answer. They are retired here.
 */
describe('node actions', () => {
  const oar = sandboxOar();
  const app = useApiOnSandbox('nodes');

  const resourcesOf = async (prefix: string) =>
    (await oar.resources.full()).filter((resource) => resource.node.startsWith(prefix));

  it('refuses node actions to anonymous clients (401) and to a `user` (403)', async () => {
    expect((await app.client.request('POST', '/api/nodes', { body: { count: 1 } })).status).toBe(401);
    const forbidden = await app.client.request('POST', '/api/nodes', { as: 'alice', body: { count: 1 } });
    expect(forbidden).toMatchObject({
      status: 403,
      body: { error: 'Forbidden', message: expect.stringContaining('"admin"') },
    });
    expect(
      (await app.client.request('PATCH', '/api/nodes/node1', { as: 'alice', body: { state: 'Absent' } })).status,
    ).toBe(403);
    expect((await app.client.request('DELETE', '/api/nodes/node1', { as: 'bob' })).status).toBe(403);
    expect(
      (
        await app.client.request('POST', '/api/nodes/actions', {
          as: 'bob',
          body: { action: 'dead', names: ['node1'] },
        })
      ).status,
    ).toBe(403);
    expect((await resourcesOf('node')).every((resource) => resource.state === 'Alive')).toBe(true);
  });

  it('validates node requests, naming the field', async () => {
    const tooMany = await app.client.request('POST', '/api/nodes', { as: 'boss', body: { count: 1001 } });
    expect(tooMany).toMatchObject({ status: 400, body: { message: 'count: must be at most 1000' } });
    const badState = await app.client.request('PATCH', '/api/nodes/node1', {
      as: 'boss',
      body: { state: 'Suspected' },
    });
    expect(badState).toMatchObject({ status: 400, body: { message: 'state: must be one of Alive, Absent, Dead' } });
    const reserved = await app.client.request('POST', '/api/nodes', {
      as: 'boss',
      body: { count: 1, properties: { state: 'Dead' } },
    });
    expect(reserved).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^properties\.state: is set by OAR/) },
    });
  });

  it('creates 3 nodes × 2 cores in one request: 6 resources in OAR, 3 nodes on the live stream; Absent and back; retire', async () => {
    const subscriber = new Subscriber(app.api.url);
    try {
      await subscriber.until(() => subscriber.snapshots[0], 'the first snapshot');
      const nodesNow = (): Node[] => subscriber.current().nodes;

      const created = await app.client.request('POST', '/api/nodes', {
        as: 'boss',
        body: { count: 3, prefix: 'tnode', cpus: 1, coresPerCpu: 2 },
      });
      expect(created.status).toBe(202);
      const operation = await app.client.settled(created.body.operation.id);
      expect(operation.error).toBeUndefined();
      expect(operation).toMatchObject({
        kind: 'node.create',
        state: 'succeeded',
        targets: ['tnode1', 'tnode2', 'tnode3'],
      });
      const rows = await resourcesOf('tnode');
      expect(rows).toHaveLength(6);
      expect(rows.map((row) => [row.node, row.cpuset])).toEqual([
        ['tnode1', 0],
        ['tnode1', 1],
        ['tnode2', 0],
        ['tnode2', 1],
        ['tnode3', 0],
        ['tnode3', 1],
      ]);
      const live = await subscriber.until(() => {
        const tnodes = nodesNow().filter((node) => node.name.startsWith('tnode'));
        return tnodes.length === 3 && tnodes;
      }, '3 tnode nodes on the live stream');
      expect(live.map((node) => [node.name, node.resources.length])).toEqual([
        ['tnode1', 2],
        ['tnode2', 2],
        ['tnode3', 2],
      ]);
      expect(
        subscriber.batches
          .flatMap((batch) => batch.events)
          .some((event) => event.type === 'operation.updated' && event.operation.id === operation.id),
      ).toBe(true);

      const absent = await app.client.request('PATCH', '/api/nodes/tnode1', {
        as: 'boss',
        body: { state: 'Absent', reason: 'maintenance' },
      });
      expect((await app.client.settled(absent.body.operation.id)).state).toBe('succeeded');
      expect((await resourcesOf('tnode1')).map((row) => row.state)).toEqual(['Absent', 'Absent']);
      await subscriber.until(
        () => nodesNow().find((node) => node.name === 'tnode1')?.state === 'Absent',
        'tnode1 Absent on the live stream',
      );
      const alive = await app.client.request('POST', '/api/nodes/actions', {
        as: 'boss',
        body: { action: 'alive', names: ['tnode1'] },
      });
      expect((await app.client.settled(alive.body.operation.id)).state).toBe('succeeded');
      expect((await resourcesOf('tnode1')).map((row) => row.state)).toEqual(['Alive', 'Alive']);

      const retired = await app.client.request('DELETE', '/api/nodes/tnode3', { as: 'boss' });
      expect(retired.status).toBe(202);
      expect((await app.client.settled(retired.body.operation.id)).state).toBe('succeeded');
      expect(await resourcesOf('tnode3')).toEqual([]);
      await subscriber.until(
        () => !nodesNow().some((node) => node.name === 'tnode3'),
        'tnode3 gone from the live stream',
      );

      const rest = await app.client.request('POST', '/api/nodes/actions', {
        as: 'boss',
        body: { action: 'delete', names: ['tnode1', 'tnode2', 'nosuchnode'] },
      });
      const bulk = await app.client.settled(rest.body.operation.id);
      expect(bulk.results!.map((result) => [result.target, result.ok, result.error?.status])).toEqual([
        ['tnode1', true, undefined],
        ['tnode2', true, undefined],
        ['nosuchnode', false, 404],
      ]);
      expect(await resourcesOf('tnode')).toEqual([]);
    } finally {
      subscriber.close();
    }
  }, 240_000);

  /** Runs a job of alice's on `node` and waits until the snapshot shows it there. */
  async function busy(node: string): Promise<number> {
    const submitted = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: {
        command: 'sleep 300',
        resources: '/nodes=1/core=1',
        properties: `network_address='${node}'`,
        walltime: '00:10:00',
      },
    });
    const jobId = ((await app.client.settled(submitted.body.operation.id)).result as { jobId: number }).jobId;
    await jobInState(oar, jobId, 'alice', ['Running']);
    await waitFor(async () => (await app.client.request('GET', `/api/nodes/${node}`)).body.jobIds?.includes(jobId), {
      describe: `${node} busy in the snapshot`,
    });
    return jobId;
  }

  it('drains a busy node: Absent keeps its job running, retire is refused with the way out, then succeeds once it is empty', async () => {
    const jobId = await busy('node3');
    const absent = await app.client.request('POST', '/api/nodes/actions', {
      as: 'boss',
      body: { action: 'absent', names: ['node3'] },
    });
    expect((await app.client.settled(absent.body.operation.id, 120_000)).state).toBe('succeeded');
    expect((await oar.jobs.get(jobId, { as: 'alice' })).state).toBe('Running');
    const early = await app.client.request('POST', '/api/nodes/actions', {
      as: 'boss',
      body: { action: 'delete', names: ['node3', 'no-such-node'] },
    });
    expect(early.status).toBe(202);
    expect((await app.client.settled(early.body.operation.id)).results).toEqual([
      {
        target: 'node3',
        ok: false,
        error: {
          status: 409,
          message: `node3 still runs job ${jobId}; set it Absent and retire it once its jobs end, or retire it and kill them.`,
        },
      },
      { target: 'no-such-node', ok: false, error: { status: 404, message: 'There is no node named no-such-node.' } },
    ]);
    expect(await resourcesOf('node3')).toHaveLength(2);
    const cancel = await app.client.request('DELETE', `/api/jobs/${jobId}`, { as: 'alice' });
    expect((await app.client.settled(cancel.body.operation.id)).state).toBe('succeeded');
    // OAR itself takes 20-40 s on a loaded machine to end a job after oardel (measured with oarstat).
    let inOar = 'unread';
    await waitFor(
      async () => {
        inOar = (await oar.jobs.get(jobId, { as: 'alice' })).state;
        return (await app.client.request('GET', '/api/nodes/node3')).body.jobIds?.length === 0;
      },
      { describe: () => `node3 empty in the snapshot (job ${jobId} in OAR: ${inOar})`, timeoutMs: 120_000 },
    );
    const retire = await app.client.request('POST', '/api/nodes/actions', {
      as: 'boss',
      body: { action: 'delete', names: ['node3'] },
    });
    expect(await app.client.settled(retire.body.operation.id, 120_000)).toMatchObject({ state: 'succeeded' });
    expect(await resourcesOf('node3')).toEqual([]);
  }, 240_000);

  it('refuses (409) to retire a node running a job unless force, which cancels the job first', async () => {
    const jobId = await busy('node4');
    const refused = await app.client.request('DELETE', '/api/nodes/node4', { as: 'boss' });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'Conflict', message: expect.stringContaining(`node4 still runs job ${jobId}; set it Absent`) },
    });
    const forced = await app.client.request('DELETE', '/api/nodes/node4?force=true', { as: 'boss' });
    expect(forced.status).toBe(202);
    const operation = await app.client.settled(forced.body.operation.id, 120_000);
    expect(operation.error).toBeUndefined();
    expect(operation).toMatchObject({
      state: 'succeeded',
      results: [{ target: 'node4', ok: true, result: { cancelledJobIds: [jobId] } }],
    });
    expect(await resourcesOf('node4')).toEqual([]);
    // Once its resources are deleted OAR cannot show the job any more (GET /jobs/<id>: 404); it is
    // enough that it no longer runs or waits.
    expect((await oar.jobs.list()).map((job) => job.id)).not.toContain(jobId);
  }, 180_000);
});
