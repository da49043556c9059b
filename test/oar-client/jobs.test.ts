import { buildNodes } from '@oar-live/oar-client';
import { resetOarSandbox } from '../support/oar-sandbox';
import { basicClient, identClient, waitForJobState, WALLTIME } from './sandbox-clients';

const FINAL = ['Terminated', 'Error'];

describe('OarClient submits and acts on jobs in the real OAR sandbox', () => {
  const oar = identClient();
  const alice = { as: 'alice' };
  beforeAll(() => resetOarSandbox());
  afterAll(() => resetOarSandbox());

  it('a command job reaches Terminated; its exit code and a non-ASCII name come back', async () => {
    const { id, cmdOutput } = await oar.jobs.submit(
      { command: 'exit 3', resources: `/nodes=1/core=1,${WALLTIME}`, name: 'café' },
      alice,
    );
    expect(cmdOutput).toContain(`OAR_JOB_ID=${id}`);
    const job = await waitForJobState(oar, id, FINAL, 'alice');
    expect(job).toMatchObject({ id, state: 'Terminated', exitCode: 3, name: 'café', user: 'alice', command: 'exit 3' });
    expect(Date.parse(job.stoppedAt!)).toBeGreaterThanOrEqual(Date.parse(job.startedAt!));
    const terminated = await oar.jobs.list({ state: ['Terminated', 'Error'] });
    expect(terminated.find((j) => j.id === id)).toEqual({
      id,
      name: 'café',
      user: 'alice',
      queue: 'default',
      state: 'Terminated',
      submittedAt: job.submittedAt,
    });
  });

  it('a script job submitted with Basic auth runs as bob on two nodes', async () => {
    const basic = basicClient();
    const { id } = await basic.jobs.submit(
      { script: '#!/bin/bash\nuniq "$OAR_NODEFILE"\nexit 0\n', resources: `/nodes=2/core=1,${WALLTIME}` },
      { as: 'bob' },
    );
    const job = await waitForJobState(basic, id, FINAL, 'bob');
    expect(job).toMatchObject({ user: 'bob', state: 'Terminated', exitCode: 0 });
    expect(job.command).toMatch(/oarapi\.subscript\./);
    expect((await basic.jobs.getDetails(id, { as: 'bob' })).nodes).toHaveLength(2);
  });

  it('reads a running job every way, then DELETE cancels it', async () => {
    const { id } = await oar.jobs.submit({ command: 'sleep 120', resources: `/nodes=1/core=2,${WALLTIME}` }, alice);
    await waitForJobState(oar, id, ['Running'], 'alice');
    const [list, running, details, table, one, withDetails, resources, nodes, full] = await Promise.all([
      oar.jobs.list(),
      oar.jobs.list({ state: 'Running' }),
      oar.jobs.details(),
      oar.jobs.table(),
      oar.jobs.get(id, alice),
      oar.jobs.getDetails(id, { as: 'bob' }), // users may read each other's jobs
      oar.jobs.resources(id),
      oar.jobs.nodes(id),
      oar.resources.full(),
    ]);
    expect(list.map((j) => j.id)).toContain(id);
    expect(running.map((j) => [j.id, j.state])).toContainEqual([id, 'Running']);
    expect(table.find((j) => j.id === id)).toMatchObject({ user: 'alice', command: 'sleep 120' });
    const detailed = details.find((j) => j.id === id)!;
    expect(detailed.resourceIds.sort((a, b) => a - b)).toEqual(resources.map((r) => r.id).sort((a, b) => a - b));
    expect(one).toMatchObject({ id, state: 'Running', nodes: [], resourceIds: [] });
    expect(withDetails.nodes).toEqual(nodes);
    expect(resources).toHaveLength(2);
    expect(nodes).toHaveLength(1);
    expect(resources.every((r) => r.node === nodes[0])).toBe(true);
    expect(await oar.resources.jobIds(resources[0].id)).toEqual([id]);
    expect(await oar.resources.nodeJobIds(nodes[0])).toEqual([id]);
    const node = buildNodes(full, details).find((n) => n.name === nodes[0])!;
    expect(node).toMatchObject({ jobIds: [id], busyCores: 2, totalCores: 2, state: 'Alive' });

    const ack = await oar.jobs.cancel(id, alice);
    expect(ack).toMatchObject({ id, status: 'Delete request registered' });
    expect(ack.output).toContain(`[ ${id} ] will be deleted`);
    expect(await waitForJobState(oar, id, FINAL, 'alice')).toMatchObject({ state: 'Error', exitCode: null });
  });

  it('holds and resumes a waiting job; signals, checkpoints and deletes (deletions/new) a running one', async () => {
    // the job ignores SIGUSR2 (the signal and checkpoint sent below), so it is still running when deleted
    const big = await oar.jobs.submit(
      { command: "trap '' USR2; sleep 120", resources: `/nodes=4/core=2,${WALLTIME}`, checkpoint: 60 },
      alice,
    );
    await waitForJobState(oar, big.id, ['Running'], 'alice');
    const small = await oar.jobs.submit({ command: 'true', resources: `/core=1,${WALLTIME}` }, alice);
    await waitForJobState(oar, small.id, ['Waiting'], 'alice');

    expect(await oar.jobs.hold(small.id, alice)).toMatchObject({ id: small.id, status: 'Hold request registered' });
    await waitForJobState(oar, small.id, ['Hold'], 'alice');
    expect(await oar.jobs.resume(small.id, alice)).toMatchObject({ id: small.id, status: 'Resume request registered' });
    await waitForJobState(oar, small.id, ['Waiting'], 'alice');

    expect(await oar.jobs.signal(big.id, 12, alice)).toMatchObject({
      id: big.id,
      status: 'Signal sending request registered',
    });
    expect(await oar.jobs.checkpoint(big.id, alice)).toMatchObject({
      id: big.id,
      status: 'Checkpoint request registered',
    });
    const deletion = await oar.jobs.requestDeletion(big.id, alice);
    expect(deletion).toMatchObject({ id: big.id, status: 'Delete request registered' });
    expect(await waitForJobState(oar, big.id, FINAL, 'alice')).toMatchObject({ state: 'Error' });
    // the freed cores let the resumed job run to its end
    expect(await waitForJobState(oar, small.id, FINAL, 'alice')).toMatchObject({ state: 'Terminated', exitCode: 0 });
  });

  it('passes every oarsub option the API takes', async () => {
    const { id } = await oar.jobs.submit(
      {
        command: 'pwd',
        resources: [`/nodes=1/core=1,${WALLTIME}`],
        name: 'all-options',
        queue: 'default',
        property: "network_address='node3'",
        types: ['besteffort'],
        directory: '/tmp',
        project: 'proj-x',
        stdout: 'opt.%jobid%.out',
        stderr: 'opt.%jobid%.err',
        hold: true,
        checkpoint: 30,
        signal: 12,
        notify: 'mail:alice@localhost',
        useJobKey: true,
      },
      alice,
    );
    const held = await oar.jobs.get(id, alice);
    expect(held).toMatchObject({
      state: 'Hold',
      name: 'all-options',
      queue: 'besteffort', // OAR's admission rule moves besteffort jobs to their queue
      types: ['besteffort'],
      directory: '/tmp',
      project: 'proj-x',
      stdoutFile: `opt.${id}.out`,
      stderrFile: `opt.${id}.err`,
    });
    expect(held.properties).toContain("network_address='node3'");
    for (const option of [
      '--checkpoint=30',
      '--signal=12',
      '--notify=mail:alice@localhost',
      '--hold',
      '--use-job-key',
    ]) {
      expect(held.initialRequest).toContain(option);
    }
    await oar.jobs.resume(id, alice);
    const done = await waitForJobState(oar, id, FINAL, 'alice');
    expect(done).toMatchObject({ state: 'Terminated', exitCode: 0 });
    expect((await oar.jobs.getDetails(id, alice)).nodes).toEqual(['node3']);
  });

  it('array jobs (count and parameter file), reservations, dependencies and resubmission', async () => {
    const params = await oar.jobs.submit(
      { command: 'echo', arrayParams: 'a\nb\n', hold: true, resources: '/core=1' },
      alice,
    );
    const counted = await oar.jobs.submit({ command: 'true', array: 3, hold: true, resources: '/core=1' }, alice);
    const second = await oar.jobs.get(params.id + 1, alice);
    expect(second).toMatchObject({ arrayId: params.id, arrayIndex: 2, command: 'echo b' });
    expect(counted.cmdOutput.match(/OAR_JOB_ID=/g)).toHaveLength(3);

    const start = new Date(Date.now() + 3600_000).toISOString().replace('T', ' ').slice(0, 19); // the sandbox runs in UTC
    const reservation = await oar.jobs.submit({ command: 'true', reservation: start, resources: '/core=1' }, alice);
    expect(reservation.cmdOutput).toContain('Reservation valid');
    expect((await oar.jobs.get(reservation.id, alice)).initialRequest).toContain(`--reservation=${start}`);

    const after = await oar.jobs.submit({ command: 'true', anterior: params.id, resources: '/core=1' }, alice);
    expect((await oar.jobs.get(after.id, alice)).initialRequest).toContain(`--anterior=${params.id}`);

    const first = await oar.jobs.submit({ command: 'exit 0', resources: '/core=1' }, alice);
    await waitForJobState(oar, first.id, FINAL, 'alice');
    const again = await oar.jobs.resubmit(first.id, alice);
    expect(again.id).toBeGreaterThan(first.id);
    expect(await oar.jobs.get(again.id, alice)).toMatchObject({ resubmittedFrom: first.id, command: 'exit 0' });
  });
});
