import type { Operation } from '@oar-live/shared';
import type { Queue } from 'bullmq';
import type { OperationAnnouncer } from './operation-announcer';
import type { OperationJobData } from './operation-job';
import type { OperationStore } from './operation-store';
import { OperationsService, type EnqueueRequest } from './operations.service';

const request: EnqueueRequest = {
  actor: { name: 'alice', roles: ['user'], oarLogin: 'alice' },
  payload: { kind: 'job.cancel', jobs: [{ id: 7, as: 'alice' }] },
  input: { jobIds: [7] },
  targets: ['7'],
};

/** The writes enqueue makes, in order, with a store that fails as a process dying there would. */
function service(failCreate: boolean) {
  const writes: string[] = [];
  const queue = {
    add: async (_name: string, data: OperationJobData) => void writes.push(`queue ${data.operation.id}`),
  };
  const store = {
    getStored: async () => null,
    create: async (operation: Operation) => {
      if (failCreate) throw new Error('the process died here');
      writes.push(`record ${operation.id}`);
      return { operation, created: true };
    },
  };
  const announcer = { announce: async () => undefined };
  const operations = new OperationsService(
    queue as unknown as Queue<OperationJobData>,
    store as unknown as OperationStore,
    announcer as unknown as OperationAnnouncer,
  );
  return { operations, writes };
}

describe('OperationsService.enqueue', () => {
  it('queues before it records, so a process dying in between leaves a job its worker records', async () => {
    const { operations, writes } = service(true);
    await expect(operations.enqueue(request)).rejects.toThrow('the process died here');
    expect(writes).toEqual([expect.stringMatching(/^queue op-/)]);
  });

  it('answers the operation once it is both queued and recorded', async () => {
    const { operations, writes } = service(false);
    const operation = await operations.enqueue(request);
    expect(operation).toMatchObject({ state: 'queued', kind: 'job.cancel', user: 'alice', targets: ['7'] });
    expect(writes).toEqual([`queue ${operation.id}`, `record ${operation.id}`]);
  });
});
