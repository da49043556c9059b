import { UnprocessableEntityException } from '@nestjs/common';
import type { Operation } from '@oar-live/shared';
import type { Queue } from 'bullmq';
import type { OperationAnnouncer } from './operation-announcer';
import type { OperationJobData } from './operation-job';
import type { OperationStore } from './operation-store';
import type { RedisGate } from './redis-gate';
import { OperationsService, type EnqueueRequest } from './operations.service';

const request = (jobIds: number[], idempotencyKey?: string): EnqueueRequest => ({
  actor: { name: 'alice', roles: ['user'], oarLogin: 'alice' },
  payload: { kind: 'job.cancel', jobs: jobIds.map((id) => ({ id, as: 'alice' })) },
  input: { jobIds },
  targets: jobIds.map(String),
  idempotencyKey,
});

/**
 * OperationsService over an in-memory store and queue that log their writes. `failCreate`: the store
 * fails as a process dying there would; `workerFirst`: the worker records each job as soon as it is
 * queued, before enqueue's own record (the race a fast worker wins); `loseQueueBeforeCreate`: Redis
 * restarts without its data between the queueing and the record.
 */
function service(options: { failCreate?: boolean; workerFirst?: boolean; loseQueueBeforeCreate?: boolean } = {}) {
  const writes: string[] = [];
  const queued = new Set<string>();
  const records = new Map<string, { operation: Operation; requestHash?: string }>();
  const store = {
    getStored: async (id: string) => records.get(id) ?? null,
    create: async (operation: Operation, requestHash?: string) => {
      if (options.failCreate) throw new Error('the process died here');
      if (options.loseQueueBeforeCreate && writes.length === 1) queued.clear();
      const stored = records.get(operation.id);
      if (stored) return { ...stored, created: false };
      records.set(operation.id, { operation, requestHash });
      writes.push(`record ${operation.id}`);
      return { operation, requestHash, created: true };
    },
  };
  const announcer = { announce: async () => undefined };
  const queue = {
    add: async (_name: string, data: OperationJobData) => {
      writes.push(`queue ${data.operation.id}`);
      queued.add(data.operation.id);
      if (options.workerFirst) await operations.ensureStored(data);
    },
    getJob: async (id: string) => (queued.has(id) ? { id } : undefined),
  };
  const operations = new OperationsService(
    queue as unknown as Queue<OperationJobData>,
    store as unknown as OperationStore,
    announcer as unknown as OperationAnnouncer,
    // Redis is up in these cases: the gate runs the work as it is.
    { run: <T>(work: () => Promise<T>) => work() } as RedisGate,
  );
  return { operations, writes };
}

describe('OperationsService.enqueue', () => {
  it('queues before it records, so a process dying in between leaves a job its worker records', async () => {
    const { operations, writes } = service({ failCreate: true });
    await expect(operations.enqueue(request([7]))).rejects.toThrow('the process died here');
    expect(writes).toEqual([expect.stringMatching(/^queue op-/)]);
  });

  it('answers the operation once it is both queued and recorded', async () => {
    const { operations, writes } = service();
    const operation = await operations.enqueue(request([7]));
    expect(operation).toMatchObject({ state: 'queued', kind: 'job.cancel', user: 'alice', targets: ['7'] });
    expect(writes).toEqual([`queue ${operation.id}`, `record ${operation.id}`]);
  });

  it('queues again when Redis lost its data between queueing and recording (the record would stay queued for ever)', async () => {
    const { operations, writes } = service({ loseQueueBeforeCreate: true });
    const operation = await operations.enqueue(request([7]));
    expect(writes).toEqual([`queue ${operation.id}`, `record ${operation.id}`, `queue ${operation.id}`]);
  });

  it('keeps Idempotency-Key checks when the worker records the operation first', async () => {
    const { operations } = service({ workerFirst: true });
    const first = await operations.enqueue(request([7], 'key-1'));
    expect(await operations.enqueue(request([7], 'key-1'))).toEqual(first);
    await expect(operations.enqueue(request([8], 'key-1'))).rejects.toThrow(UnprocessableEntityException);
  });
});
