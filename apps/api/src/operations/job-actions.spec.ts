import type { JobSummary, OarClient, SubmitJobRequest } from '@oar-live/oar-client';
import type { Operation } from '@oar-live/shared';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapJob } from '../../../../libs/oar-client/src/mapping';
import type { ClusterAnnotations } from '../cluster/cluster-annotations';
import type { ExecutionContext } from './execution';
import { JobActions } from './job-actions';
import type { OperationStore } from './operation-store';

const request: SubmitJobRequest = { command: 'sleep 3', resources: '/core=1', name: 'chaos-1' };
const sentAt = '2026-12-05T04:00:00.000Z';

/** A job OAR recorded for the request (a recorded answer with the request's fields). */
function oarJob(id: number) {
  const sample = JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/oar/job-running.json'), 'utf8'));
  return { ...mapJob(sample), id, user: 'alice', name: request.name!, command: request.command!, submittedAt: sentAt };
}

/**
 * A retried submit (sentAt set) over an OAR holding jobs 41 and 42 for the request, and claims as
 * given ([job id, operation id]). Returns the job the attempt ended with and the submits it sent.
 */
async function retry(...claimed: Array<[number, string]>) {
  const claims = new Map(claimed);
  const submits: SubmitJobRequest[] = [];
  const jobs = new Map([41, 42].map((id) => [id, oarJob(id)]));
  const oar = {
    version: async () => ({ serverTime: sentAt }),
    jobs: {
      list: async () => [...jobs.values()] as JobSummary[],
      get: async (id: number) => jobs.get(id),
      submit: async (sent: SubmitJobRequest) => (submits.push(sent), { id: 43, cmdOutput: '' }),
    },
  };
  const store = {
    claimsOf: async (ids: number[]) => new Map(ids.flatMap((id) => (claims.has(id) ? [[id, claims.get(id)!]] : []))),
    claimSubmittedJob: async (id: number, operationId: string) => void claims.set(id, operationId),
  };
  const actions = new JobActions(
    oar as unknown as OarClient,
    store as unknown as OperationStore,
    {} as ClusterAnnotations,
  );
  const operation = { id: 'op-b' } as Operation;
  const context = {
    data: { operation, actor: { name: 'alice', roles: ['user'], oarLogin: 'alice' }, sentAt },
    operation,
    updateData: async () => undefined,
  } as unknown as ExecutionContext;
  const outcome = await actions.submit(context, { kind: 'job.submit', request });
  return { jobId: (outcome.result as { jobId: number }).jobId, submits };
}

describe('JobActions.submit retried after an interrupted attempt', () => {
  it('adopts the job its own earlier attempt claimed (it died before marking the operation done), submitting nothing', async () => {
    expect(await retry([41, 'op-a'], [42, 'op-b'])).toEqual({ jobId: 42, submits: [] });
  });

  it('adopts the oldest matching job no operation claimed', async () => {
    expect(await retry([41, 'op-a'])).toEqual({ jobId: 42, submits: [] });
  });

  it('submits when every matching job belongs to another operation', async () => {
    expect(await retry([41, 'op-a'], [42, 'op-c'])).toEqual({ jobId: 43, submits: [request] });
  });
});
