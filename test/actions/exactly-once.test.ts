import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Operation } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { allJobs, apiEnv, Client, jobInState, sandboxOar, startApiProcess, type ApiProcess } from './harness';
import { startMutationMeter, type MutationMeter } from './mutation-meter';

/** `oarstat -f -j <id>`'s `name = …` line: what a user of the cluster sees ('' when the job has none). */
function oarstatName(jobId: number): string {
  const text = execFileSync('oarstat', ['-f', '-j', String(jobId)], { encoding: 'utf8' });
  return /^\s*name = (.*)$/m.exec(text)?.[1]?.trim() ?? '';
}

/**
 * A job submitted through oar-live is exactly what the same `oarsub` makes (name, output files),
 * and a submit whose worker dies after OAR accepted it, before the answer was recorded, still makes
 * one job. Real OAR sandbox; the crash is a SIGKILL of the API process while a proxy holds OAR's
 * answer back.
 */
describe('submits: the job is the user’s, and exactly one per operation', () => {
  const oar = sandboxOar();
  let meter: MutationMeter;
  let env: Record<string, string>;
  let api: ApiProcess;
  let client: Client;

  beforeAll(async () => {
    resetOarSandbox();
    meter = await startMutationMeter(process.env.OAR_SANDBOX_URL!);
    env = apiEnv('exactly-once', { OAR_API_URL: meter.url });
    api = await startApiProcess(env);
    client = new Client(api.url);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await meter?.close();
    resetOarSandbox();
  }, 60_000);

  const jobIdOf = (operation: Operation) => (operation.result as { jobId: number }).jobId;

  it('a script without a name: OAR gives it no name and it writes OAR.<id>.stdout in the user’s home', async () => {
    const form = new FormData();
    form.append('script', new Blob(['#!/bin/bash\necho "plain $OAR_JOB_ID"\n']), 'plain.sh');
    form.append('resources', '/nodes=1/core=1');
    form.append('walltime', '00:01:00');
    const res = await client.request('POST', '/api/jobs', { as: 'alice', form });
    expect(res.status).toBe(202);
    const jobId = jobIdOf(await client.settled(res.body.operation.id));
    const job = await jobInState(oar, jobId, 'alice', ['Terminated']);
    expect(job).toMatchObject({ name: null, stdoutFile: `OAR.${jobId}.stdout` });
    expect(oarstatName(jobId)).toBe('');
    const output = `/home/alice/OAR.${jobId}.stdout`;
    expect(existsSync(output) && readFileSync(output, 'utf8')).toBe(`plain ${jobId}\n`);
  }, 120_000);

  /**
   * The same request goes through oar-live twice: once normally, then with a crash between OAR's
   * accept and oar-live's record. The restarted worker must adopt the job OAR made for the second
   * operation (not the first one's twin, not a new one).
   */
  async function submitAcrossACrash(submit: () => Promise<{ status: number; body: { operation: Operation } }>) {
    const before = await submit();
    const twin = jobIdOf(await client.settled(before.body.operation.id));
    const swallowed = meter.swallowNext('POST', '/oarapi/jobs');
    const res = await submit();
    expect(res.status).toBe(202);
    await swallowed.answered;
    await api.kill();
    api = await startApiProcess(env);
    client = new Client(api.url);
    const operation = await client.settled(res.body.operation.id, 120_000);
    expect(operation).toMatchObject({ state: 'succeeded', result: { recoveredFrom: expect.any(String) } });
    return { twin, adopted: jobIdOf(operation) };
  }

  it('a command: one OAR job for the crashed operation, under the name the user gave', async () => {
    const body = { command: 'echo once', resources: '/nodes=1/core=1', walltime: '00:01:00', name: 'once-cmd' };
    const { twin, adopted } = await submitAcrossACrash(() =>
      client.request('POST', '/api/jobs', { as: 'alice', body }),
    );
    const made = (await allJobs(oar)).filter((job) => job.command === 'echo once').map((job) => job.id);
    expect(made.sort((a, b) => a - b)).toEqual([twin, adopted]);
    expect(adopted).toBeGreaterThan(twin);
    expect(oarstatName(adopted)).toBe('once-cmd');
  }, 240_000);

  it('a script: one OAR job for the crashed operation', async () => {
    const script = '#!/bin/bash\necho scripted-once\n';
    const submit = () => {
      const form = new FormData();
      form.append('script', new Blob([script]), 'once.sh');
      form.append('resources', '/nodes=1/core=1');
      form.append('walltime', '00:01:00');
      return client.request('POST', '/api/jobs', { as: 'alice', form });
    };
    const jobsBefore = (await allJobs(oar)).map((job) => job.id);
    const { twin, adopted } = await submitAcrossACrash(submit);
    const made = (await allJobs(oar)).filter((job) => !jobsBefore.includes(job.id)).map((job) => job.id);
    expect(made.sort((a, b) => a - b)).toEqual([twin, adopted]);
    expect(oarstatName(adopted)).toBe('');
  }, 240_000);
});
