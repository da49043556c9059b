import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, Logger, UnprocessableEntityException } from '@nestjs/common';
import type { Operation, OperationKind, OperationState } from '@oar-live/shared';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user';
import { ClusterPoller } from '../cluster/cluster-poller.service';
import { EventLogService } from '../cluster/event-log.service';
import { toOperationError } from './execution';
import {
  BACKOFF,
  OPERATION_ATTEMPTS,
  OPERATIONS_QUEUE,
  type OperationJobData,
  type OperationPayload,
} from './operation-job';
import { OperationStore } from './operation-store';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

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
  private readonly logger = new Logger(OperationsService.name);

  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue<OperationJobData>,
    private readonly store: OperationStore,
    private readonly events: EventLogService,
    private readonly poller: ClusterPoller,
  ) {}

  /**
   * Queues an operation and returns it at once. With an Idempotency-Key the id is derived from the
   * user and the key, so a repeated request finds the stored operation (or the queue job of the same
   * id) and nothing is queued twice; the same key with a different request is refused (422).
   */
  async enqueue(request: EnqueueRequest): Promise<Operation> {
    const kind: OperationKind = request.payload.kind;
    const requestHash = hash(JSON.stringify([kind, request.input]));
    let id = `op-${randomUUID()}`;
    if (request.idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
        throw new BadRequestException('Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces');
      }
      id = `op-${hash(`${request.actor.name}\n${request.idempotencyKey}`).slice(0, 32)}`;
      const earlier = await this.store.getStored(id);
      if (earlier) return this.sameRequest(earlier, requestHash);
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
    // Queue first: the job carries the operation, so a crash before the record is written loses nothing
    // (the worker writes the record from the job when it is missing).
    await this.queue.add(
      kind,
      { operation, actor: request.actor, payload: request.payload },
      {
        jobId: id,
        attempts: OPERATION_ATTEMPTS,
        backoff: { ...BACKOFF },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    );
    const stored = await this.store.create(operation, requestHash);
    if (!stored.created) return this.sameRequest(stored, requestHash);
    await this.announce(operation);
    return operation;
  }

  get(id: string): Promise<Operation | null> {
    return this.store.get(id);
  }

  /** Records a state change (with its audit entry) and puts `operation.updated` on the live stream. */
  async transition(
    id: string,
    state: OperationState,
    attempts: number,
    patch: Partial<Pick<Operation, 'result' | 'error' | 'results' | 'targets'>> = {},
  ): Promise<Operation> {
    const at = new Date().toISOString();
    const operation = await this.store.update(id, (current) => {
      const next: Operation = { ...current, ...patch, state, attempts, updatedAt: at };
      if (state !== 'failed' && state !== 'retrying' && !('error' in patch)) delete next.error;
      next.history = [...(current.history ?? []), { at, state, attempts, ...(next.error && { error: next.error }) }];
      return next;
    });
    await this.announce(operation);
    if (state === 'succeeded' || state === 'failed') this.poller.pollSoon();
    return operation;
  }

  /** Saves part of an operation without a state change (per-target progress), announced too. */
  async progress(id: string, change: (operation: Operation) => Operation): Promise<Operation> {
    const operation = await this.store.update(id, (current) => ({
      ...change(current),
      updatedAt: new Date().toISOString(),
    }));
    await this.announce(operation);
    return operation;
  }

  /** The operation's record, recreated from its queue job if it is missing. */
  async ensureStored(operation: Operation): Promise<Operation> {
    return (await this.store.create(operation)).operation;
  }

  private sameRequest(stored: { operation: Operation; requestHash?: string }, requestHash: string): Operation {
    if (stored.requestHash && stored.requestHash !== requestHash) {
      throw new UnprocessableEntityException('Idempotency-Key: was already used for a different request');
    }
    return stored.operation;
  }

  /** The event is a courtesy to watchers: a failure to publish it must not fail the operation. */
  private async announce(operation: Operation): Promise<void> {
    await this.events.append([{ type: 'operation.updated', operation }]).catch((err: unknown) => {
      this.logger.warn(`operation.updated for ${operation.id} not published: ${toOperationError(err).message}`);
    });
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
