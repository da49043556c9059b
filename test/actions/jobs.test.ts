import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation } from '@oar-live/shared';
import { allJobs, jobInState, sandboxOar, useApiOnSandbox } from './harness';

/** Job actions through oar-live's HTTP API, carried out on the real OAR sandbox. */
describe('job actions', () => {
  const oar = sandboxOar();
  const app = useApiOnSandbox('jobs');

  async function submit(as: 'alice' | 'bob', body: object): Promise<number> {
    const res = await app.client.request('POST', '/api/jobs', { as, body });
    expect(res.status).toBe(202);
    const operation = await app.client.settled(res.body.operation.id);
    expect(operation).toMatchObject({ state: 'succeeded' });
    return (operation.result as { jobId: number }).jobId;
  }

  it('submits a command that runs and ends with its exit code, answering 202 and the oarsub line at once', async () => {
    const res = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: { command: 'echo ran; exit 3', resources: '/nodes=1/core=1', walltime: '00:02:00' },
    });
    expect(res.status).toBe(202);
    expect(res.body.operation).toMatchObject({ kind: 'job.submit', state: 'queued', user: 'alice', attempts: 0 });
    expect(res.body.oarsub).toBe("oarsub -l /nodes=1/core=1,walltime=00:02:00 'echo ran; exit 3'");
    const operation = await app.client.settled(res.body.operation.id);
    expect(operation).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(operation.history!.map((entry) => entry.state)).toEqual(['queued', 'active', 'succeeded']);
    const jobId = (operation.result as { jobId: number }).jobId;
    expect(operation.targets).toEqual([String(jobId)]);
    const job = await jobInState(oar, jobId, 'alice', ['Terminated', 'Error']);
    expect(job).toMatchObject({ user: 'alice', exitCode: 3, command: 'echo ran; exit 3' });
  }, 120000);

  it('runs an uploaded script with its #OAR directives, and its output file holds what it printed', async () => {
    const script =
      '#!/bin/bash\n#OAR -l /nodes=1/core=1,walltime=00:02:00\n#OAR -n scripted\necho "printed by job $OAR_JOB_ID"\n';
    const form = new FormData();
    form.append('script', new Blob([script], { type: 'text/x-shellscript' }), 'hello.sh');
    form.append('walltime', '90');
    const res = await app.client.request('POST', '/api/jobs', { as: 'alice', form });
    expect(res.status).toBe(202);
    expect(res.body.oarsub).toBe('oarsub -l /nodes=1/core=1,walltime=00:01:30 -n scripted -S ./hello.sh');
    expect(res.body.operation.input).toMatchObject({ script: { fileName: 'hello.sh', bytes: script.length } });
    const operation = await app.client.settled(res.body.operation.id);
    const jobId = (operation.result as { jobId: number }).jobId;
    await jobInState(oar, jobId, 'alice', ['Terminated']);
    const details = await oar.jobs.getDetails(jobId, { as: 'alice' });
    expect(details.name).toBe('scripted');
    expect(details.stdoutFile).toBe(`OAR.scripted.${jobId}.stdout`);
    const stdout = details.stdoutFile!;
    expect(readFileSync(stdout.startsWith('/') ? stdout : join('/home/alice', stdout), 'utf8')).toBe(
      `printed by job ${jobId}\n`,
    );
  }, 120000);

  it('refuses a script that is not text, or too large, naming `script`, and queues nothing', async () => {
    const binary = new FormData();
    binary.append('script', new Blob([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])]), 'a.out');
    const refused = await app.client.request('POST', '/api/jobs', { as: 'alice', form: binary });
    expect(refused).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'script: must be a text file (it contains NUL bytes)' },
    });
    const huge = new FormData();
    huge.append('script', new Blob(['#'.repeat(300 * 1024)]), 'big.sh');
    const tooLarge = await app.client.request('POST', '/api/jobs', { as: 'alice', form: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toMatch(/^script: larger than 262144 bytes/);
    const unknown = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: { command: 'true', user: 'root' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Unrecognized key: "user"/);
    const { body } = await app.client.request('GET', '/api/operations?user=alice&kind=job.submit');
    expect(body.operations).toHaveLength(2);
  });

  it('cancels a running job', async () => {
    const jobId = await submit('alice', { command: 'sleep 300', resources: '/nodes=1/core=1', walltime: '00:10:00' });
    await jobInState(oar, jobId, 'alice', ['Running']);
    const res = await app.client.request('DELETE', `/api/jobs/${jobId}`, { as: 'alice' });
    expect(res.status).toBe(202);
    const operation = await app.client.settled(res.body.operation.id);
    expect(operation).toMatchObject({ kind: 'job.cancel', state: 'succeeded', targets: [String(jobId)] });
    expect(await jobInState(oar, jobId, 'alice', ['Error', 'Terminated'])).toMatchObject({ state: 'Error' });
  }, 120000);

  it('cancels 10 jobs in one operation with 10 results', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++)
      ids.push(await submit('alice', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' }));
    const before = (await app.client.request('GET', '/api/operations?kind=job.cancel')).body.operations.length;
    const res = await app.client.request('POST', '/api/jobs/actions', { as: 'alice', body: { action: 'cancel', ids } });
    expect(res.status).toBe(202);
    const operation = await app.client.settled(res.body.operation.id);
    expect(operation.state).toBe('succeeded');
    expect(operation.results!.map((result) => [result.target, result.ok])).toEqual(ids.map((id) => [String(id), true]));
    expect((await app.client.request('GET', '/api/operations?kind=job.cancel')).body.operations).toHaveLength(
      before + 1,
    );
    for (const id of ids) await jobInState(oar, id, 'alice', ['Error', 'Terminated']);
  }, 180000);

  it('goes on past a bad target: per-target results, OAR’s message for the bad one', async () => {
    const first = await submit('alice', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' });
    const second = await submit('alice', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' });
    const res = await app.client.request('POST', '/api/jobs/actions', {
      as: 'alice',
      body: { action: 'cancel', ids: [first, 99999, second] },
    });
    const operation = await app.client.settled(res.body.operation.id);
    expect(operation.state).toBe('failed');
    expect(operation.results!.map((result) => [result.target, result.ok])).toEqual([
      [String(first), true],
      ['99999', false],
      [String(second), true],
    ]);
    // Refused by oar-live itself: OAR is not asked to cancel a job that does not exist.
    expect(operation.results![1].error).toEqual({ status: 404, message: 'There is no job 99999.' });
    expect(operation.error!.message).toBe('1 of 3 targets failed: 99999: There is no job 99999.');
  }, 120000);

  it('holds and resumes a waiting job', async () => {
    const blocker = await submit('bob', { command: 'sleep 300', resources: '/nodes=4/core=2', walltime: '00:10:00' });
    await jobInState(oar, blocker, 'bob', ['Running']);
    const waiting = await submit('alice', { command: 'true', resources: '/core=1', walltime: '00:01:00' });
    await jobInState(oar, waiting, 'alice', ['Waiting']);
    const hold = await app.client.request('POST', '/api/jobs/actions', {
      as: 'alice',
      body: { action: 'hold', ids: [waiting] },
    });
    expect((await app.client.settled(hold.body.operation.id)).state).toBe('succeeded');
    await jobInState(oar, waiting, 'alice', ['Hold']);
    const resume = await app.client.request('POST', '/api/jobs/actions', {
      as: 'alice',
      body: { action: 'resume', ids: [waiting] },
    });
    expect((await app.client.settled(resume.body.operation.id)).state).toBe('succeeded');
    await jobInState(oar, waiting, 'alice', ['Waiting']);
    const cleanup = await app.client.request('POST', '/api/jobs/actions', {
      as: 'boss',
      body: { action: 'cancel', ids: [blocker, waiting] },
    });
    expect((await app.client.settled(cleanup.body.operation.id)).state).toBe('succeeded');
  }, 180000);

  it('answers 401 to anonymous mutations and refuses a user acting on another user’s job; an admin may', async () => {
    expect((await app.client.request('POST', '/api/jobs', { body: { command: 'true' } })).status).toBe(401);
    expect((await app.client.request('POST', '/api/jobs', { as: 'watcher', body: { command: 'true' } })).status).toBe(
      403,
    );
    const jobId = await submit('alice', { command: 'sleep 300', resources: '/core=1', walltime: '00:10:00' });
    expect((await app.client.request('DELETE', `/api/jobs/${jobId}`)).status).toBe(401);
    const forbidden = await app.client.request('DELETE', `/api/jobs/${jobId}`, { as: 'bob' });
    expect(forbidden).toMatchObject({
      status: 403,
      body: {
        error: 'Forbidden',
        message: `Job ${jobId} belongs to alice; only its owner or an admin may act on it.`,
      },
    });
    // In a bulk request the job is refused in its own result (the others would go ahead).
    const bulk = await app.client.request('POST', '/api/jobs/actions', {
      as: 'bob',
      body: { action: 'cancel', ids: [jobId] },
    });
    expect(bulk.status).toBe(202);
    expect((await app.client.settled(bulk.body.operation.id)).results).toEqual([
      {
        target: String(jobId),
        ok: false,
        error: { status: 403, message: expect.stringContaining('belongs to alice') },
      },
    ]);
    // A spoofed identity header changes nothing: oar-live decides who acts from the token alone.
    const spoofed = await app.client.request('DELETE', `/api/jobs/${jobId}`, {
      as: 'bob',
      headers: { 'x-remote-ident': 'alice' },
    });
    expect(spoofed.status).toBe(403);
    const byAdmin = await app.client.request('DELETE', `/api/jobs/${jobId}`, { as: 'boss' });
    expect((await app.client.settled(byAdmin.body.operation.id)).state).toBe('succeeded');
    await jobInState(oar, jobId, 'alice', ['Error']);
  }, 120000);

  it('refuses a bad resource request with 400 before queueing, and fails at once with OAR’s message when only OAR can tell', async () => {
    const local = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: { command: 'true', resources: '/nodes=abc' },
    });
    expect(local).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^resources: /) },
    });
    const res = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: { command: 'true', resources: '/nodes=1/core=1', properties: "gpu_model = 'none'" },
    });
    expect(res.status).toBe(202);
    const operation: Operation = await app.client.settled(res.body.operation.id);
    expect(operation).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: {
        status: 400,
        // A sentence about the cluster; OAR's own words (oarsub, SQL) only in detail.
        message: 'The job could not be submitted: the cluster has no property “gpu_model”.',
        detail: expect.stringContaining('column "gpu_model" does not exist'),
      },
    });
    expect(operation.history!.map((entry) => entry.state)).toEqual(['queued', 'active', 'failed']);
  }, 120000);

  it('gives the same operation for the same Idempotency-Key, and submits one job', async () => {
    const body = { command: 'echo once', resources: '/core=1', walltime: '00:01:00', name: 'idem' };
    const headers = { 'idempotency-key': 'submit-once-1' };
    const first = await app.client.request('POST', '/api/jobs', { as: 'alice', body, headers });
    const second = await app.client.request('POST', '/api/jobs', { as: 'alice', body, headers });
    expect(second.status).toBe(202);
    expect(second.body.operation.id).toBe(first.body.operation.id);
    const operation = await app.client.settled(first.body.operation.id);
    const third = await app.client.request('POST', '/api/jobs', { as: 'alice', body, headers });
    expect(third.body.operation).toMatchObject({ id: operation.id, state: 'succeeded' });
    const conflicting = await app.client.request('POST', '/api/jobs', {
      as: 'alice',
      body: { ...body, command: 'echo twice' },
      headers,
    });
    expect(conflicting).toMatchObject({
      status: 422,
      body: { message: 'Idempotency-Key: was already used for a different request' },
    });
    const named = (await allJobs(oar)).filter((job) => job.name === 'idem');
    expect(named.map((job) => job.id)).toEqual([(operation.result as { jobId: number }).jobId]);
  }, 120000);
});
