import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Operation, OperationState, TargetResult } from '@oar-live/shared';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { closeRedis, createRedis, redisKeyPrefixes } from '../config/redis-options';

/** Operations (and their audit history) are kept this long. */
const RETENTION_SECONDS = 30 * 24 * 3600;
/** How many of the newest operations a list query looks through. */
const LIST_WINDOW = 5000;

export interface OperationQuery {
  user?: string;
  kind?: string;
  state?: OperationState;
  /** Only operations acting on this target (a job id, a node name). */
  target?: string;
  limit: number;
}

/**
 * Stores an operation unless its id is taken, indexes it by time and drops expired index entries,
 * atomically; answers null when stored, else the JSON already there (an Idempotency-Key repeat).
 * One script call rather than MULTI: ioredis auto-pipelining batches script calls from concurrent
 * requests into one write, but sends every MULTI on its own.
 * KEYS: operation, index. ARGV: json, retentionSeconds, createdAtMs, id, expiredBeforeMs.
 */
const CREATE_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return redis.call('GET', KEYS[1]) end
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
return false
`;

type ScriptedRedis = Redis & {
  oarLiveCreateOperation(...args: (string | number)[]): Promise<string | null>;
};

/** A stored operation plus what oar-live alone needs: the hash of the request behind an Idempotency-Key. */
interface StoredOperation {
  operation: Operation;
  requestHash?: string;
}

/**
 * Operations and their audit trail in Redis (JSON per operation, a time index for queries). Holds no
 * secrets: inputs are stored as the API shows them (scripts only as a size and digest).
 */
@Injectable()
export class OperationStore implements OnApplicationShutdown {
  readonly redis: ScriptedRedis;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedis(config, 'operations') as ScriptedRedis;
    this.redis.defineCommand('oarLiveCreateOperation', { numberOfKeys: 2, lua: CREATE_SCRIPT });
    this.prefix = redisKeyPrefixes(config).operations;
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }

  /** Stores `operation` unless one with its id exists; returns whichever is stored now. */
  async create(operation: Operation, requestHash?: string): Promise<StoredOperation & { created: boolean }> {
    const value: StoredOperation = { operation, requestHash };
    const existing = await this.redis.oarLiveCreateOperation(
      this.key(operation.id),
      this.indexKey,
      JSON.stringify(value),
      RETENTION_SECONDS,
      Date.parse(operation.createdAt),
      operation.id,
      Date.now() - RETENTION_SECONDS * 1000,
    );
    if (existing === null) return { ...value, created: true };
    return { ...(JSON.parse(existing) as StoredOperation), created: false };
  }

  /** The operation with its per-target results (kept apart, see saveResults). */
  async get(id: string): Promise<Operation | null> {
    const operation = (await this.getStored(id))?.operation;
    if (!operation) return null;
    const results = await this.results(id);
    if (results.length === 0) return operation;
    const byTarget = new Map(results.map((result) => [result.target, result]));
    return { ...operation, results: operation.targets.flatMap((target) => byTarget.get(target) ?? []) };
  }

  /**
   * Per-target outcomes, one hash field each: written once as each target settles, instead of
   * rewriting the whole operation (which made a bulk operation's writes grow with its square).
   */
  async saveResults(id: string, results: readonly TargetResult[]): Promise<void> {
    if (results.length === 0) return;
    const key = this.resultsKey(id);
    await this.redis
      .multi()
      .hset(key, Object.fromEntries(results.map((result) => [result.target, JSON.stringify(result)])))
      .expire(key, RETENTION_SECONDS)
      .exec();
  }

  async results(id: string): Promise<TargetResult[]> {
    const fields = await this.redis.hgetall(this.resultsKey(id));
    return Object.values(fields).map((json) => JSON.parse(json) as TargetResult);
  }

  async getStored(id: string): Promise<StoredOperation | null> {
    const json = await this.redis.get(this.key(id));
    return json ? (JSON.parse(json) as StoredOperation) : null;
  }

  /**
   * Read-modify-write of one operation, starting from `initial` (the record as first stored) when
   * Redis no longer holds it. Safe without a lock: after creation only the worker holding the
   * operation's queue job writes it, and the queue runs one job at a time.
   */
  async update(initial: StoredOperation, change: (operation: Operation) => Operation): Promise<Operation> {
    const { id } = initial.operation;
    const stored = await this.getStored(id);
    const base = stored ?? initial;
    const operation = change(base.operation);
    const value = JSON.stringify({ ...base, operation });
    if (stored) await this.redis.set(this.key(id), value, 'KEEPTTL');
    else
      await this.redis
        .multi()
        .set(this.key(id), value, 'EX', RETENTION_SECONDS)
        .zadd(this.indexKey, Date.parse(operation.createdAt), id)
        .exec();
    return operation;
  }

  /** Newest first, filtered. */
  async list(query: OperationQuery): Promise<Operation[]> {
    const ids = await this.redis.zrevrange(this.indexKey, 0, LIST_WINDOW - 1);
    const found: Operation[] = [];
    for (let i = 0; i < ids.length && found.length < query.limit; i += 500) {
      const batch = await this.redis.mget(ids.slice(i, i + 500).map((id) => this.key(id)));
      for (const json of batch) {
        if (!json) continue;
        const { operation } = JSON.parse(json) as StoredOperation;
        if (query.user && operation.user !== query.user) continue;
        if (query.kind && operation.kind !== query.kind) continue;
        if (query.state && operation.state !== query.state) continue;
        if (query.target && !operation.targets.includes(query.target)) continue;
        found.push(operation);
        if (found.length === query.limit) break;
      }
    }
    return found;
  }

  /**
   * Records which operation submitted `jobId`, so a later reconciliation adopts it only for that
   * operation (a retry of the same one finds its own job) and never for another.
   */
  async claimSubmittedJob(jobId: number, operationId: string): Promise<void> {
    await this.redis.set(this.submittedKey(jobId), operationId, 'EX', RETENTION_SECONDS);
  }

  /** The operation that claimed each of `jobIds`, for those oar-live recorded as submitted. */
  async claimsOf(jobIds: readonly number[]): Promise<Map<number, string>> {
    if (jobIds.length === 0) return new Map();
    const owners = await this.redis.mget(jobIds.map((id) => this.submittedKey(id)));
    return new Map(jobIds.flatMap((id, i) => (owners[i] ? [[id, owners[i]] as const] : [])));
  }

  private submittedKey(jobId: number): string {
    return `${this.prefix}submitted:${jobId}`;
  }

  private key(id: string): string {
    return `${this.prefix}op:${id}`;
  }

  private resultsKey(id: string): string {
    return `${this.prefix}results:${id}`;
  }

  private get indexKey(): string {
    return `${this.prefix}by-time`;
  }
}
