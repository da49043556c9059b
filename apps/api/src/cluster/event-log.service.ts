import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Job, Node } from '@oar-live/oar-client';
import {
  canonicalSnapshot,
  EVENT_FORMAT,
  jobIdOf,
  nodeNameOf,
  type Batch,
  type LiveEvent,
  type Snapshot,
  type SourceStatus,
} from '@oar-live/shared';
import { Subject } from 'rxjs';
import { MetricsService } from '../metrics/metrics.service';
import { LiveRedis } from './redis.provider';

/** Batches stay in the stream at least this long (the contract asks for ≥ 5 minutes). */
export const BATCH_RETENTION_MS = 6 * 60_000;

/**
 * A subscriber further behind than this gets a snapshot rather than a replay, so what one
 * subscriber costs to resume stays bounded whatever `since` it sends (a snapshot is shared by all).
 */
export const MAX_REPLAY_BATCHES = 500;

/** Before the first poll: nothing known yet, and the source has not answered. */
export const EMPTY_SOURCE: SourceStatus = { status: 'down', error: 'OAR has not been polled yet' };

/** Thrown by `append` when a lease token was given and another process holds the lease now. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * One atomic step (Lua, so no other writer can interleave): check the lease, check that the stream
 * is the one the writer knows (same epoch, not behind the seq it saw), take the next seq, apply the
 * batch to the snapshot kept in Redis (hashes of node and job JSON, so only what changed is
 * written), append the batch to the stream under id `<seq>-1`, and trim entries older than the
 * retention window. The batch JSON is assembled from pre-serialised parts so Lua never re-encodes
 * (cjson would turn empty arrays into objects).
 * A missing epoch is "": a stream that was never written, or that Redis lost. A writer that knows
 * no epoch either (a fresh process on a fresh Redis) starts it with ARGV[6].
 * KEYS: seq, meta, nodes, jobs, stream, lease, epoch. ARGV: atJson, eventsJson, retentionMs,
 * leaseToken, sourceJson ('' = unchanged), newEpoch, expectedEpoch ('-' = unchecked), seenSeq,
 * then triples (op, field, json) with op n+ n- j+ j-.
 * Returns {seq, epoch}, or {-1} (lease lost), {-2, epoch, seq} (the stream is another history or
 * went backwards).
 */
const APPEND_SCRIPT = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[6]) ~= ARGV[4] then return {-1} end
local epoch = redis.call('GET', KEYS[7]) or ''
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[7] ~= '-' and (epoch ~= ARGV[7] or current < tonumber(ARGV[8])) then return {-2, epoch, current} end
if epoch == '' then
  epoch = ARGV[6]
  redis.call('SET', KEYS[7], epoch)
end
local seq = redis.call('INCR', KEYS[1])
for i = 9, #ARGV, 3 do
  local op, field = ARGV[i], ARGV[i + 1]
  if op == 'n+' then redis.call('HSET', KEYS[3], field, ARGV[i + 2])
  elseif op == 'n-' then redis.call('HDEL', KEYS[3], field)
  elseif op == 'j+' then redis.call('HSET', KEYS[4], field, ARGV[i + 2])
  elseif op == 'j-' then redis.call('HDEL', KEYS[4], field) end
end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'source', ARGV[5]) end
redis.call('HSET', KEYS[2], 'at', ARGV[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local batch = '{"format":${EVENT_FORMAT},"epoch":"' .. epoch .. '","seq":' .. seq .. ',"at":' .. ARGV[1] .. ',"events":' .. ARGV[2] .. '}'
redis.call('XADD', KEYS[5], seq .. '-1', 't', nowMs, 'b', batch)
local cutoff = nowMs - tonumber(ARGV[3])
for _ = 1, 1000 do
  local oldest = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 1)
  if #oldest == 0 or oldest[1][1] == seq .. '-1' or tonumber(oldest[1][2][2]) >= cutoff then break end
  redis.call('XDEL', KEYS[5], oldest[1][1])
end
return {seq, epoch}
`;

/**
 * Starts a new history from a whole snapshot, atomically (so Redis never holds half of one): a new
 * epoch, seq one above both the stored one and the one the writer saw (seq never goes backwards
 * for a process that watched it), the nodes and jobs replaced, the stream emptied.
 * KEYS: seq, meta, nodes, jobs, stream, lease, epoch. ARGV: leaseToken, newEpoch, seenSeq, atJson,
 * sourceJson, nodeCount, then (name, json) per node, then (id, json) per job. Returns seq, or -1.
 */
const RESTART_SCRIPT = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[6]) ~= ARGV[1] then return -1 end
local seq = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[3])) + 1
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
local firstJob = 7 + 2 * tonumber(ARGV[6])
for i = 7, firstJob - 1, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
for i = firstJob, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[2], 'at', ARGV[4], 'source', ARGV[5])
redis.call('SET', KEYS[1], seq)
redis.call('SET', KEYS[7], ARGV[2])
return seq
`;

/** A new, unguessable-enough stream identity (12 hex digits: collisions are not a concern). */
export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

/** What a writer knows of the stream: appends are refused when the stream is not that one. */
export interface StreamFence {
  /** Only while this token holds the poller lease. */
  leaseToken?: string;
  /** The epoch and seq the writer last saw; the stream must be that epoch, at that seq or after. */
  epoch?: string;
  seq?: number;
}

/** The stream in Redis is another history than the writer's, or went backwards: Redis lost data. */
export class StreamLostError extends Error {
  override name = 'StreamLostError';
  constructor(
    readonly seen: { epoch: string; seq: number },
    readonly found: { epoch: string; seq: number },
  ) {
    super(
      found.epoch === ''
        ? `the event stream vanished from Redis (was epoch ${seen.epoch} at seq ${seen.seq})`
        : `the event stream in Redis went from epoch ${seen.epoch} seq ${seen.seq} to epoch ${found.epoch} seq ${found.seq}`,
    );
  }
}

/** Nodes by name and jobs by id of `state`, built on first use (only deltas need them). */
function lazyIndex(state: Pick<Snapshot, 'nodes' | 'jobs'> | undefined) {
  let index: { nodes: Map<string, Node>; jobs: Map<number, Job> } | undefined;
  return () =>
    (index ??= {
      nodes: new Map(state?.nodes.map((node) => [node.name, node])),
      jobs: new Map(state?.jobs.map((job) => [job.id, job])),
    });
}

type StreamEntry = [id: string, fields: string[]];

/** The seq of a stream entry, from its id `<seq>-1`. */
export function seqOfEntry([id]: StreamEntry): number {
  return Number.parseInt(id, 10);
}

/** Parses the `b` field of a stream entry (fields are [t, ms, b, json]). */
export function batchOfEntry([, fields]: StreamEntry): Batch {
  return JSON.parse(fields[3]) as Batch;
}

/**
 * The event log: the ONE writer of batches (`append`), the replay window (`readSince`) and the
 * snapshot kept in Redis (`loadSnapshot`), so a restarted or second process answers at once and
 * `seq` survives restarts. Usable from any replica.
 */
@Injectable()
export class EventLogService {
  private readonly logger = new Logger(EventLogService.name);
  /** Batches this process appended, at once (other processes see them through the stream relay). */
  readonly appended$ = new Subject<Batch>();
  retentionMs = BATCH_RETENTION_MS;

  constructor(
    private readonly redis: LiveRedis,
    private readonly metrics: MetricsService,
  ) {
    redis.commands.defineCommand('oarLiveAppend', { numberOfKeys: 7, lua: APPEND_SCRIPT });
    redis.commands.defineCommand('oarLiveRestart', { numberOfKeys: 7, lua: RESTART_SCRIPT });
  }

  get keys() {
    const k = (name: string) => this.redis.key(name);
    return {
      seq: k('seq'),
      meta: k('meta'),
      nodes: k('nodes'),
      jobs: k('jobs'),
      stream: k('batches'),
      lease: k('leader'),
      epoch: k('epoch'),
    };
  }

  /**
   * Appends one batch holding `events` (none → no batch, null). `at` defaults to now. With a
   * `fence.leaseToken`, the append happens only while that token holds the poller lease (fencing a
   * leader that lost its lease without noticing); otherwise it throws LeaseLostError. With
   * `fence.epoch`, it happens only on that history, at `fence.seq` or after (StreamLostError otherwise).
   * `state` is the cluster after the batch: the snapshot kept in Redis takes the
   * whole node or job of a delta event from it, so batches with deltas need it.
   */
  async append(
    events: LiveEvent[],
    at = new Date().toISOString(),
    fence: StreamFence = {},
    state?: Pick<Snapshot, 'nodes' | 'jobs'>,
  ): Promise<Batch | null> {
    if (events.length === 0) return null;
    let source = '';
    const ops: string[] = [];
    const index = lazyIndex(state);
    for (const event of events) {
      switch (event.type) {
        case 'node.added':
        case 'node.changed': {
          const node = 'node' in event ? event.node : index().nodes.get(event.name);
          if (!node) throw new Error(`the new state of node ${nodeNameOf(event)} is needed to log its delta`);
          ops.push('n+', node.name, JSON.stringify(node));
          break;
        }
        case 'node.removed':
          ops.push('n-', event.name, '');
          break;
        case 'job.added':
        case 'job.changed': {
          const job = 'job' in event ? event.job : index().jobs.get(event.id);
          if (!job) throw new Error(`the new state of job ${jobIdOf(event)} is needed to log its delta`);
          ops.push('j+', String(job.id), JSON.stringify(job));
          break;
        }
        case 'job.removed':
          ops.push('j-', String(event.id), '');
          break;
        case 'source.status': {
          const { type: _type, ...status } = event;
          source = JSON.stringify(status);
          break;
        }
        case 'operation.updated':
          break;
      }
    }
    const [seq, epoch, foundSeq] = await this.scripts.oarLiveAppend(
      ...this.scriptKeys,
      JSON.stringify(at),
      JSON.stringify(events),
      this.retentionMs,
      fence.leaseToken ?? '',
      source,
      newEpoch(),
      fence.epoch ?? '-',
      fence.seq ?? 0,
      ...ops,
    );
    if (seq === -1) throw new LeaseLostError('the poller lease is held by another process');
    const seen = { epoch: fence.epoch ?? '', seq: fence.seq ?? 0 };
    const found = { epoch: String(epoch), seq: Number(foundSeq) };
    if (seq === -2) throw new StreamLostError(seen, found);
    const batch: Batch = { format: EVENT_FORMAT, epoch: String(epoch), seq, at, events };
    this.metrics.batchEvents.observe(events.length);
    this.appended$.next(batch);
    return batch;
  }

  /**
   * Replaces the stored history by `snapshot`'s nodes, jobs and source under a new epoch (after the
   * stream was lost); returns the snapshot as stored. `seenSeq` is the last seq the writer saw.
   */
  async restart(snapshot: Omit<Snapshot, 'epoch' | 'seq'>, seenSeq: number, leaseToken = ''): Promise<Snapshot> {
    const epoch = newEpoch();
    const seq = await this.scripts.oarLiveRestart(
      ...this.scriptKeys,
      leaseToken,
      epoch,
      seenSeq,
      JSON.stringify(snapshot.at),
      JSON.stringify(snapshot.source),
      snapshot.nodes.length,
      ...snapshot.nodes.flatMap((node) => [node.name, JSON.stringify(node)]),
      ...snapshot.jobs.flatMap((job) => [String(job.id), JSON.stringify(job)]),
    );
    if (seq === -1) throw new LeaseLostError('the poller lease is held by another process');
    return canonicalSnapshot({ ...snapshot, epoch, seq });
  }

  private get scripts() {
    return this.redis.commands as unknown as {
      oarLiveAppend(...args: (string | number)[]): Promise<[number, string?, number?]>;
      oarLiveRestart(...args: (string | number)[]): Promise<number>;
    };
  }

  private get scriptKeys(): string[] {
    const keys = this.keys;
    return [keys.seq, keys.meta, keys.nodes, keys.jobs, keys.stream, keys.lease, keys.epoch];
  }

  /** The snapshot as Redis holds it now (one MULTI, so it is consistent with its seq). */
  async loadSnapshot(): Promise<Snapshot> {
    const keys = this.keys;
    const results = await this.redis.commands
      .multi()
      .get(keys.epoch)
      .get(keys.seq)
      .hgetall(keys.meta)
      .hvals(keys.nodes)
      .hvals(keys.jobs)
      .exec();
    const [[, epoch], [, seq], [, meta], [, nodes], [, jobs]] = results as [
      [unknown, string | null],
      [unknown, string | null],
      [unknown, Record<string, string>],
      [unknown, string[]],
      [unknown, string[]],
    ];
    return canonicalSnapshot({
      format: EVENT_FORMAT,
      epoch: epoch ?? '',
      seq: Number(seq ?? 0),
      at: meta.at ? (JSON.parse(meta.at) as string) : new Date(0).toISOString(),
      source: meta.source ? (JSON.parse(meta.source) as SourceStatus) : EMPTY_SOURCE,
      nodes: nodes.map((json) => JSON.parse(json) as Node),
      jobs: jobs.map((json) => JSON.parse(json) as Job),
    });
  }

  /** The batches the log still holds (its retention window), oldest first, at most `limit`: newest kept. */
  async recentBatches(limit = 5000): Promise<Batch[]> {
    const entries = (await this.redis.commands.xrevrange(this.keys.stream, '+', '-', 'COUNT', limit)) as StreamEntry[];
    return entries.reverse().map(batchOfEntry);
  }

  /**
   * Every batch of `epoch` after `since`, in order, when the log still holds them all; null when
   * the stream is another epoch, `since` is older than the window or ahead of the log, or the replay
   * would be longer than MAX_REPLAY_BATCHES (the caller sends a snapshot instead). Decides from the
   * stream's identity, its seq and its first entry after `since` before reading any other entry.
   */
  async readSince(since: number, epoch: string): Promise<Batch[] | null> {
    const keys = this.keys;
    const from = `${since + 1}-0`;
    const results = await this.redis.commands
      .multi()
      .get(keys.epoch)
      .get(keys.seq)
      .xrange(keys.stream, from, '+', 'COUNT', 1)
      .exec();
    const [[, storedEpoch], [, seqText], [, first]] = results as [
      [unknown, string | null],
      [unknown, string | null],
      [unknown, StreamEntry[]],
    ];
    const seq = Number(seqText ?? 0);
    if ((storedEpoch ?? '') !== epoch || since > seq || since < 0) return null;
    if (since === seq) return [];
    if (seq - since > MAX_REPLAY_BATCHES || first.length === 0 || seqOfEntry(first[0]) !== since + 1) {
      this.logger.debug(`seq ${since} is older than the replay window or too far behind ${seq}`);
      return null;
    }
    const entries = (await this.redis.commands.xrange(
      keys.stream,
      from,
      '+',
      'COUNT',
      MAX_REPLAY_BATCHES,
    )) as StreamEntry[];
    const batches = entries.map(batchOfEntry);
    // A restart between both reads empties the stream and changes the epoch.
    if (batches[0]?.seq !== since + 1 || batches.some((batch) => batch.epoch !== epoch)) return null;
    return batches;
  }
}
