import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  isFinished,
  type Operation,
  type OperationKind,
  type OperationProgress,
  type OperationState,
  type TargetResult,
} from '@oar-live/shared';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user';
import { OperationAnnouncer } from './operation-announcer';
import {
  BACKOFF,
  OPERATION_ATTEMPTS,
  OPERATIONS_QUEUE,
  type OperationJobData,
  type OperationPayload,
} from './operation-job';
import { OperationStore } from './operation-store';
import { RedisGate } from './redis-gate';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What a queue job keeps of its operation: the record as first stored, and its request's hash. */
type StoredJob = Pick<OperationJobData, 'operation' | 'requestHash'>;

export interface EnqueueRequest {
  actor: AuthUser;
  payload: OperationPayload;
  /** The input as shown to users and kept in Redis (no script text, no secrets). */
  input: object;
  targets: string[];
  idempotencyKey?: string;
}

/** Creates operations (at most once per Idempotency-Key), records their state changes and announces them. */
@Injectable()
export class OperationsService {
  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue<OperationJobData>,
    private readonly store: OperationStore,
    private readonly announcer: OperationAnnouncer,
    private readonly gate: RedisGate,
  ) {}

  /**
   * Queues an operation and returns it at once. With an Idempotency-Key the id is derived from the
   * user and the key, so a repeated request finds the stored operation and nothing is queued twice
   * (a repeat of a request whose queueing was cut short queues it under the same job id); the same
   * key with a different request is refused (422).
   * Queued before it is recorded: a process that dies between the two leaves a queue job whose
   * worker records the operation (ensureStored), never a record that stays `queued` for ever.
   * While Redis is down: refused within 2 s with 503 and Retry-After (RedisGate), nothing queued.
   */
  async enqueue(request: EnqueueRequest): Promise<Operation> {
    if (request.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces');
    }
    return this.gate.run(() => this.queueOnce(request));
  }

  private async queueOnce(request: EnqueueRequest): Promise<Operation> {
    const kind: OperationKind = request.payload.kind;
    const requestHash = hash(JSON.stringify([kind, request.input]));
    let id = `op-${randomUUID()}`;
    if (request.idempotencyKey !== undefined) {
      id = `op-${hash(`${request.actor.name}\n${request.idempotencyKey}`).slice(0, 32)}`;
      const stored = await this.store.getStored(id);
      if (stored) {
        const earlier = this.sameRequest(stored, requestHash);
        if (earlier.state === 'queued') await this.addJob(earlier, request, requestHash);
        return earlier;
      }
    }
    const now = new Date().toISOString();
    const operation: Operation = {
      id,
      kind,
      state: 'queued',
      user: request.actor.name,
      input: request.input,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      targets: request.targets,
      history: [{ at: now, state: 'queued', attempts: 0 }],
    };
    // Announced (in order, without waiting for the append) before queueing, so `queued` always
    // precedes the worker's `active`.
    void this.announcer.announce(operation);
    await this.addJob(operation, request, requestHash);
    const stored = await this.store.create(operation, requestHash);
    // Redis restarted without its data between the two writes: the record outlived the queue job,
    // and would stay `queued` for ever. Queue it again (on the Redis that holds the record now).
    if (stored.created && !(await this.queue.getJob(operation.id))) await this.addJob(operation, request, requestHash);
    // Not created: a twin request with the same key, or the worker, recorded it first.
    return stored.created ? operation : this.sameRequest(stored, requestHash);
  }

  private addJob(operation: Operation, request: EnqueueRequest, requestHash: string): Promise<void> {
    return this.requeue({ operation, requestHash, actor: request.actor, payload: request.payload });
  }

  /**
   * Queues `data` under its operation's id; a no-op when the queue holds that id already (BullMQ).
   * Also how a worker puts back a queue job Redis lost while it ran (its data, intent included, is
   * in the worker's memory).
   */
  async requeue(data: OperationJobData): Promise<void> {
    await this.queue.add(
      data.operation.kind,
      { ...data },
      {
        jobId: data.operation.id,
        attempts: OPERATION_ATTEMPTS,
        backoff: { ...BACKOFF },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    );
  }

  /** Whether the queue holds a job for the operation (waiting, running, delayed or kept once done). */
  async isQueued(id: string): Promise<boolean> {
    return (await this.queue.getJob(id)) !== undefined;
  }

  get(id: string): Promise<Operation | null> {
    return this.store.get(id);
  }

  /**
   * Records a state change (with its audit entry) and puts `operation.updated` on the live stream.
   * A record Redis lost (restarted without its data) is made again from the queue job's copy: the
   * outcome of an operation that ran is never left unrecorded.
   */
  async transition(
    data: StoredJob,
    state: OperationState,
    attempts: number,
    patch: Partial<Pick<Operation, 'result' | 'error' | 'progress' | 'targets'>> = {},
  ): Promise<Operation> {
    const at = new Date().toISOString();
    const operation = await this.store.update(data, (current) => {
      const next: Operation = { ...current, ...patch, state, attempts, updatedAt: at };
      if (state !== 'failed' && state !== 'retrying' && !('error' in patch)) delete next.error;
      next.history = [...(current.history ?? []), { at, state, attempts, ...(next.error && { error: next.error }) }];
      return next;
    });
    await this.announcer.announce(operation);
    if (isFinished(state)) this.announcer.mutated();
    return operation;
  }

  /** Per-target outcomes, stored once each (not announced: see announceProgress). */
  saveResults(id: string, results: readonly TargetResult[]): Promise<void> {
    return this.store.saveResults(id, results);
  }

  results(id: string): Promise<TargetResult[]> {
    return this.store.results(id);
  }

  /** A bulk operation's progress on the live stream (not stored: GET counts its stored results). */
  async announceProgress(operation: Operation, progress: OperationProgress): Promise<void> {
    await this.announcer.announce({ ...operation, progress, updatedAt: new Date().toISOString() });
  }

  /** Saves part of an operation without a state change, announced too. */
  async progress(data: StoredJob, change: (operation: Operation) => Operation): Promise<Operation> {
    const operation = await this.store.update(data, (current) => ({
      ...change(current),
      updatedAt: new Date().toISOString(),
    }));
    await this.announcer.announce(operation);
    return operation;
  }

  /** The operation's record, made from its queue job if it is missing (with the request's hash, for Idempotency-Key checks). */
  async ensureStored(data: StoredJob): Promise<Operation> {
    return (await this.store.create(data.operation, data.requestHash)).operation;
  }

  private sameRequest(stored: { operation: Operation; requestHash?: string }, requestHash: string): Operation {
    if (stored.requestHash && stored.requestHash !== requestHash) {
      throw new UnprocessableEntityException('Idempotency-Key: was already used for a different request');
    }
    return stored.operation;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
