import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { LiveRedis } from '../cluster/redis.provider';
import { OPERATIONS_QUEUE } from './operation-job';
import { OperationStore } from './operation-store';

/** How long a mutation may wait for Redis before it is refused (the answer comes within 2 s). */
export const REDIS_WAIT_MS = 1500;
/** Retry-After (seconds) on a mutation refused because Redis is down. */
export const RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: the request was not taken, sending it again later (same Idempotency-Key) is safe. */
export class RetryLaterException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds = RETRY_AFTER_SECONDS,
  ) {
    super({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, message });
  }
}

const REFUSAL =
  'oar-live cannot record actions right now (its Redis is unavailable); nothing was done. ' +
  'Send the same request again with the same Idempotency-Key in a few seconds.';

/**
 * Mutations need Redis (the queue, the operation record, the live stream); reads do not (they are
 * answered from memory). While any of those connections is not up, a mutation is refused at once
 * instead of waiting in ioredis's offline queue and running whenever Redis comes back, after the
 * client may have given up and retried.
 */
@Injectable()
export class RedisGate {
  constructor(
    @InjectQueue(OPERATIONS_QUEUE) private readonly queue: Queue,
    private readonly store: OperationStore,
    private readonly live: LiveRedis,
  ) {}

  /** Runs `work` when Redis is up, or throws RetryLaterException (at once, or after REDIS_WAIT_MS). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const connections = [this.store.redis, this.live.commands, await this.queue.client];
    if (connections.some((redis) => redis.status !== 'ready')) throw new RetryLaterException(REFUSAL);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RetryLaterException(REFUSAL)), REDIS_WAIT_MS);
    });
    try {
      return await Promise.race([work(), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
